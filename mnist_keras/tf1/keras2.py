"""Keras 2's spellings in Keras 2-era programs: renamed in memory, or said before the run.

The Korean course's TF 2 ports (``tf2/``) are Keras 2-era ``tf.keras`` code, and Keras 3
refuses some of what they write:

- ``Adam(lr=0.001)``: Keras 2 took ``lr`` as the old name of ``learning_rate``; Keras 3
  knows only ``learning_rate``. Renamed in memory, as Keras 2 renamed it (and
  ``fit(nb_epoch=...)``, Keras 1's name, to ``epochs``); ``--show_changes`` shows each
  rename beside the upgrader's.
- What has no rename is one line before the first line runs: ``predict_classes``
  (removed in TF 2.6) and an optimizer's ``decay=``, which Keras 3 would ignore.

``input_dim=`` still works in Keras 3 (with a warning the runner hides).
"""

from __future__ import annotations

import ast
import re

from mnist_keras.tf1 import names, upgrade

_OPTIMIZER = re.compile(r"^(tensorflow\.)?(keras\.)?optimizers\.(legacy\.)?[A-Z]\w*$")
RENAMES = {"lr": "learning_rate", "nb_epoch": "epochs"}
FIT = ("fit", "fit_generator")


def _imported(tree: ast.AST) -> dict[str, str]:
    """Each name the program's imports bind, and the dotted name it stands for."""
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update({a.asname or a.name.split(".")[0]: a.name if a.asname
                          else a.name.split(".")[0] for a in node.names})
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
    return found


def _full_name(func: ast.AST, imported: dict[str, str]) -> str:
    text = ast.unparse(func)
    root, _, rest = text.partition(".")
    return ".".join(filter(None, [imported.get(root, root), rest]))


def _keyword_edits(tree: ast.AST) -> list[tuple[ast.keyword, str, str]]:
    """(keyword, its new name, what is called) for each Keras 2 name to rename."""
    imported, found = _imported(tree), []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = _full_name(node.func, imported)
        fit = isinstance(node.func, ast.Attribute) and node.func.attr in FIT
        for keyword in node.keywords:
            if keyword.arg == "lr" and _OPTIMIZER.match(called) or \
                    keyword.arg == "nb_epoch" and fit:
                found.append((keyword, RENAMES[keyword.arg], ast.unparse(node.func)))
    return found


def rename(source: str) -> tuple[str, tuple[upgrade.Change, ...]]:
    """``source`` with Keras 2's keyword names renamed, and a change for each."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source, ()
    lines = source.splitlines(keepends=True)
    edits = sorted(_keyword_edits(tree), key=lambda e: (e[0].lineno, e[0].col_offset),
                   reverse=True)  # from the end: earlier offsets stay right
    changes = []
    for keyword, new, called in edits:
        raw = lines[keyword.lineno - 1].encode("utf-8")  # col_offset counts UTF-8 bytes
        start = keyword.col_offset
        lines[keyword.lineno - 1] = (raw[:start] + new.encode()
                                     + raw[start + len(keyword.arg):]).decode("utf-8")
        changes.append(upgrade.Change(
            keyword.lineno, "INFO", f"{upgrade.OURS}: Renamed keyword argument "
            f"'{keyword.arg}' to '{new}' for {called} (Keras 2's old name; Keras 3 "
            f"knows only {new})"))
    return "".join(lines), tuple(reversed(changes))


def first_removed(tree: ast.AST) -> names.Unknown | None:
    """The first Keras 2 call Keras 3 cannot run as written, with what to write."""
    imported, found = _imported(tree), []
    keras_code = upgrade.keras_code(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        if isinstance(node.func, ast.Attribute) and node.func.attr == "predict_classes" \
                and keras_code:
            found.append(names.Unknown(
                node.lineno, "predict_classes", "predict_classes was removed from Keras "
                "in TensorFlow 2.6: write np.argmax(model.predict(x), axis=-1)"))
        decay = [k for k in node.keywords if k.arg == "decay"]
        if decay and _OPTIMIZER.match(_full_name(node.func, imported)):
            found.append(names.Unknown(
                node.lineno, "decay", "Keras 3 ignores an optimizer's decay= (Keras 2's "
                "lr / (1 + decay * step)): write learning_rate=keras.optimizers.schedules."
                "InverseTimeDecay(lr, decay_steps=1, decay_rate=decay)"))
    return min(found, key=lambda u: u.line) if found else None
