"""Names a TF1 program uses that TensorFlow 2 cannot give it, found before it runs.

A misspelt ``tf.reduece_mean`` at the end of a 30-epoch program would otherwise fail
after the training; ``tf.contrib.slim`` fails at its import. Every dotted name rooted at
the program's ``tf`` is looked up in TensorFlow before the first line runs, and the
first that does not exist is reported with its line and the nearest real name, or,
for an API that TF 2 removed, what replaced it.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib

from mnist_keras.errors import InputError

# What TF 2 removed that TF1-era MNIST programs used, and what does the job now. The
# longest matching prefix wins.
REMOVED = {
    "tf.contrib": "tf.contrib was removed in TensorFlow 2: its parts moved into TensorFlow, "
                  "Keras or separate packages",
    "tf.contrib.slim": "TF-Slim is gone with tf.contrib, and its package (tf-slim 1.1.0) "
                       "fails on TensorFlow 2.21: write the layers with keras.layers",
    "tf.contrib.learn": "tf.contrib.learn was removed: train with Keras (keras.Sequential, "
                        "fit), and read MNIST with input_data.read_data_sets",
    "tf.estimator": "tf.estimator was removed in TensorFlow 2.16: train with Keras "
                    "(keras.Model.fit)",
}


class RemovedAPIError(InputError):
    """A program uses an API that neither TensorFlow 2 nor this runner provides."""


class ServedAttributeError(AttributeError):
    """A name a module served by this runner (``tensorflow.contrib.layers``, say) lacks;
    its message is the one line that says what to write instead."""


@dataclasses.dataclass(frozen=True)
class Unknown:
    """A dotted name that does not resolve, where, and what to say about it."""

    line: int
    name: str
    hint: str


def removed_hint(name: str) -> str | None:
    """What replaced a removed ``tf.`` (or ``tensorflow.``) API, or None."""
    dotted = "tf." + name.split(".", 1)[1] if name.startswith("tensorflow.") else name
    matches = [p for p in REMOVED if dotted == p or dotted.startswith(p + ".")]
    return REMOVED[max(matches, key=len)] if matches else None


def nearest(name: str, candidates) -> str | None:
    """The candidate closest to a misspelt ``name``, if any is close."""
    found = difflib.get_close_matches(name, [c for c in candidates if not c.startswith("_")],
                                      n=1, cutoff=0.6)
    return found[0] if found else None


def _dotted(node: ast.Attribute) -> tuple[str, list[str]] | None:
    """``tf.a.b`` as ("tf", ["a", "b"]), or None for a chain not rooted at a name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return (node.id, parts[::-1]) if isinstance(node, ast.Name) else None


def _resolve(root: str, module, parts: list[str]) -> str | None:
    """The hint for the first part of ``root.parts`` that does not exist, or None."""
    obj = module
    for i, part in enumerate(parts):
        try:
            obj = getattr(obj, part)
        except ServedAttributeError as e:
            return str(e)
        except Exception:  # noqa: BLE001 -- lazy modules raise what their loader raises
            name = ".".join([root, *parts[:i + 1]])
            hint = removed_hint(".".join(["tf", *parts]))  # the longest removed prefix
            if hint:
                return hint
            close = nearest(part, _names(obj))
            return f"{name} does not exist" + (
                f"; did you mean {'.'.join([root, *parts[:i], close])}?" if close else "")
    return None


def _names(obj) -> list[str]:
    """``dir(obj)``, or none where a lazy module cannot list itself."""
    try:
        return dir(obj)
    except Exception:  # noqa: BLE001 -- the hint is a nicety; the line is said without it
        return []


def assigned(tree: ast.AST) -> set[str]:
    """The dotted names a program binds itself (``tf.model = keras.Sequential()``): not
    misspellings, whatever the module holds."""
    found = set()
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else \
            [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
        for target in targets:
            chain = _dotted(target) if isinstance(target, ast.Attribute) else None
            if chain:
                found.add(".".join([chain[0], *chain[1]]))
    return found


def first_unknown(tree: ast.AST, bindings: dict[str, object]) -> Unknown | None:
    """The first dotted name rooted at a name of ``bindings`` (name: the TensorFlow
    module it is bound to) that its module lacks and the program does not bind."""
    seen, bound = set(), assigned(tree)
    for node in sorted((n for n in ast.walk(tree) if isinstance(n, ast.Attribute)),
                       key=lambda n: (n.lineno, n.col_offset)):
        chain = _dotted(node)
        if chain is None or chain[0] not in bindings or id(node) in seen:
            continue
        for inner in ast.walk(node):  # the chain's own prefixes are checked with it
            seen.add(id(inner))
        root, parts = chain
        if any(".".join([root, *parts[:i]]) in bound for i in range(1, len(parts) + 1)):
            continue
        hint = _resolve(root, bindings[root], parts)
        if hint:
            return Unknown(node.lineno, ".".join([root, *parts]), hint)
    return None
