"""A TF1 program rewritten for TensorFlow 2 by TensorFlow's own upgrader, in memory.

The upgrader is the library behind ``tf_upgrade_v2`` (``tensorflow.tools.compatibility``):
it renames what TF 2 moved (``tf.placeholder`` to ``tf.compat.v1.placeholder``,
``tf.random_normal`` to ``tf.random.normal``, ...), converts a few calls (a dropout's
``keep_prob`` to ``rate``, contrib's Xavier initializer) and reports each change with
its line. Two mappings are ours, because TF 2.21's upgrader has none: ``tf.layers.*``
to ``tf.compat.v1.layers.*``, which the ``tf-keras`` package provides, and, in a program
that runs in graph mode, TF 1's summary ops (``tf.summary.scalar``, ...) to
``tf.compat.v1.summary.*``; and one of its renames is dropped (tf.keras' optimizers to
``tf.keras.optimizers.legacy``, which Keras 3 lacks). The upgrader keeps the program's
lines where they were, so tracebacks and reports point at the learner's own lines.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import functools
import io
import re

# TF1's tf.layers, which TF 2.21's upgrader leaves unrenamed (tf.compat.v1.layers has
# them where tf-keras provides Keras 2).
LAYERS = ("AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "BatchNormalization",
          "Conv1D", "Conv2D", "Conv2DTranspose", "Conv3D", "Conv3DTranspose", "Dense",
          "Dropout", "Flatten", "Layer", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D",
          "SeparableConv1D", "SeparableConv2D", "average_pooling1d", "average_pooling2d",
          "average_pooling3d", "batch_normalization", "conv1d", "conv2d",
          "conv2d_transpose", "conv3d", "conv3d_transpose", "dense", "dropout", "flatten",
          "max_pooling1d", "max_pooling2d", "max_pooling3d", "separable_conv1d",
          "separable_conv2d")
OURS = "mnist-keras"  # how a change of ours is marked in the report
_LOG = re.compile(r"(\d+):(\d+): (\w+): (.*)", re.DOTALL)


@dataclasses.dataclass(frozen=True)
class Change:
    """One line of the upgrader's report: where, how serious, what it did or says."""

    line: int
    severity: str  # "INFO", "WARNING" or "ERROR", as the upgrader has them
    message: str


# TF 1's summary ops, which TF 2.21's upgrader leaves under TF 2's names: those write to
# the default writer, not the graph's collection, so merge_all() finds none of them.
SUMMARIES = ("scalar", "histogram", "image", "audio", "text")
# Dotted names and modules that run on tf-keras (TF_USE_LEGACY_KERAS=1): TF1's layers,
# RNN cells and the contrib modules served on them.
_LEGACY_KERAS = re.compile(r"^(tf|tensorflow)\.(compat\.v1\.)?(layers|nn\.rnn_cell|"
                           r"nn\.\w*_rnn|contrib)(\.|$)")


@dataclasses.dataclass(frozen=True)
class Upgraded:
    """A program as TensorFlow 2 runs it, and what changed."""

    source: str
    changes: tuple[Change, ...]

    @property
    def needs_legacy_keras(self) -> bool:
        """Whether it calls TF1's ``tf.layers``, RNN cells or contrib's layers, which run
        on tf-keras: Keras 3 has none of them."""
        return needs_legacy_keras(self.source)


def needs_legacy_keras(source: str) -> bool:
    """Whether ``source`` names what runs on tf-keras (see ``_LEGACY_KERAS``), in its
    code (not its comments); read without TensorFlow, before it loads."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            found = [node.module or "", *(f"{node.module}.{a.name}" for a in node.names)]
        elif isinstance(node, ast.Attribute):
            found = [ast.unparse(node)]
        else:
            continue
        if any(_LEGACY_KERAS.match(name) for name in found):
            return True
    return False


@functools.cache
def renames() -> dict[str, str]:
    """The upgrader's table of renames (``tf.contrib.rnn.BasicLSTMCell``: where it went)."""
    return dict(_spec(summaries=False).symbol_renames)


def _spec(summaries: bool):
    """The upgrader's specification, plus ``tf.layers`` and, for graph programs
    (``summaries``), TF 1's summary ops."""
    from tensorflow.tools.compatibility import tf_upgrade_v2

    ours = {f"tf.layers.{name}": f"tf.compat.v1.layers.{name}" for name in LAYERS}
    if summaries:
        ours.update({f"tf.summary.{name}": f"tf.compat.v1.summary.{name}"
                     for name in SUMMARIES})

    class Spec(tf_upgrade_v2.TFAPIChangeSpec):
        """TensorFlow's specification of the v1 -> v2 renames, plus ours."""

        def __init__(self, **kwargs):  # the upgrader calls it again, with its arguments
            super().__init__(**kwargs)
            # A copy: the upgrader's own table is a module-level dict. Its renames of
            # tf.keras' optimizers to tf.keras.optimizers.legacy are dropped: Keras 3,
            # which tf.keras is since TF 2.16, has no legacy optimizers.
            self.symbol_renames = {**{k: v for k, v in self.symbol_renames.items()
                                      if ".optimizers.legacy." not in v}, **ours}

    return Spec()


def _change(entry: str) -> Change:
    line, _, severity, message = _LOG.fullmatch(entry.strip()).groups()
    if "'tf.layers." in message:
        message += f" ({OURS}: TF 2.21's upgrader leaves tf.layers; tf-keras runs it)"
    if re.search(r"Renamed 'tf\.summary\.(%s)'" % "|".join(SUMMARIES), message):
        message += (f" ({OURS}: TF 2.21's upgrader leaves it, and TF 2's op writes to no "
                    "graph collection: merge_all() would find nothing)")
    return Change(int(line), severity, message.strip())


def _run_upgrader(source: str, summaries: bool) -> tuple[str, list[str]]:
    from tensorflow.tools.compatibility import ast_edits

    upgrader = ast_edits.ASTCodeUpgrader(_spec(summaries))
    with contextlib.redirect_stdout(io.StringIO()):  # it prints every change as well
        _, text, logs, errors = upgrader.update_string_pasta(source, "")
    return text, [*logs, *(e.lstrip(":") for e in errors)]


class UpgraderError(Exception):
    """TensorFlow's upgrader failed on the program: where, and what it said."""

    def __init__(self, line: int | None, reason: str):
        super().__init__(reason)
        self.line = line


def join_continued(source: str) -> str:
    """``source`` with each backslash-continued statement on one line, and as many empty
    lines after it: every other line keeps its number. (The upgrader's parser, pasta,
    fails on some continuations inside brackets.)"""
    out, pending = [], 0
    for line in source.splitlines(keepends=True):
        if line.rstrip("\r\n").endswith("\\"):
            out.append(line.rstrip("\r\n")[:-1] + " ")
            pending += 1
            continue
        out.append(line if not pending else line.lstrip() + "\n" * pending)
        pending = 0
    return "".join(out)


def upgrade(source: str) -> Upgraded:
    """``source`` rewritten by TensorFlow's upgrader (and the mappings of ours).

    A TF1 program (one the upgrader gives ``tf.compat.v1`` names) runs in graph mode,
    where TF 1's summary ops are the ones that work: it is upgraded again with them.
    The source must parse (check with ``compile`` first: the upgrader's own parse error
    is a traceback).

    Raises:
      UpgraderError: the upgrader failed, on the program and on it with its
        continuation lines joined.
    """
    try:
        return _upgrade(source)
    except Exception as e:  # noqa: BLE001 -- pasta raises its own kinds, and asserts
        joined = join_continued(source)
        try:
            if joined == source:
                raise
            return _upgrade(joined)
        except Exception:  # noqa: BLE001 -- said as the first failure
            line = re.search(r"\bline (\d+):", str(e))
            raise UpgraderError(int(line.group(1)) if line else None,
                                " ".join(str(e).split("\n")[:1])) from None


def _upgrade(source: str) -> Upgraded:
    text, entries = _run_upgrader(source, summaries=False)
    if "compat.v1" in text and "summary." in source:
        text, entries = _run_upgrader(source, summaries=True)
    changes = sorted((_change(e) for e in dict.fromkeys(entries)), key=lambda c: c.line)
    return Upgraded(text, tuple(changes))


def tensorflow_names(tree: ast.AST) -> dict[str, tuple[str, int]]:
    """The names a program binds to TensorFlow's modules, with the module each names and
    the line: ``{"tf": ("tensorflow", 1)}`` for ``import tensorflow as tf``,
    ``"tensorflow.compat.v1"`` for ``import tensorflow.compat.v1 as tf``."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update({alias.asname or alias.name: (alias.name, node.lineno)
                          for alias in node.names
                          if alias.name.split(".")[0] == "tensorflow"
                          and (alias.asname or "." not in alias.name)})
    return names


def imports_keras(tree: ast.AST) -> bool:
    """Whether a program imports Keras (``keras`` or ``tensorflow.keras``) itself."""
    for node in ast.walk(tree):
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        if any(m == "keras" or m.startswith(("keras.", "tensorflow.keras")) for m in modules):
            return True
    return False


def keras_code(tree: ast.AST) -> bool:
    """Whether a program is Keras code: it imports Keras, or calls ``tf.keras``."""
    bound = tensorflow_names(tree)
    return imports_keras(tree) or any(
        isinstance(node, ast.Attribute) and node.attr == "keras"
        and isinstance(node.value, ast.Name) and node.value.id in bound
        for node in ast.walk(tree))
