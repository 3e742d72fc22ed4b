"""A TF1 program rewritten for TensorFlow 2 by TensorFlow's own upgrader, in memory.

The upgrader is the library behind ``tf_upgrade_v2`` (``tensorflow.tools.compatibility``):
it renames what TF 2 moved (``tf.placeholder`` to ``tf.compat.v1.placeholder``,
``tf.random_normal`` to ``tf.random.normal``, ...), converts a few calls (a dropout's
``keep_prob`` to ``rate``, contrib's Xavier initializer) and reports each change with
its line. One mapping is ours, because TF 2.21's upgrader has none: ``tf.layers.*`` to
``tf.compat.v1.layers.*``, which the ``tf-keras`` package provides. The upgrader keeps
the program's lines where they were, so tracebacks and reports point at the learner's
own lines.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
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


@dataclasses.dataclass(frozen=True)
class Upgraded:
    """A program as TensorFlow 2 runs it, and what changed."""

    source: str
    changes: tuple[Change, ...]

    @property
    def uses_layers(self) -> bool:
        """Whether it calls TF1's ``tf.layers`` (``tf.compat.v1.layers``), which needs
        tf-keras: Keras 3 has no such module."""
        return "compat.v1.layers." in self.source


def _spec():
    from tensorflow.tools.compatibility import tf_upgrade_v2

    class Spec(tf_upgrade_v2.TFAPIChangeSpec):
        """TensorFlow's specification of the v1 -> v2 renames, plus ``tf.layers``."""

        def __init__(self, **kwargs):  # the upgrader calls it again, with its arguments
            super().__init__(**kwargs)
            # A copy: the upgrader's own table is a module-level dict.
            self.symbol_renames = {**self.symbol_renames,
                                   **{f"tf.layers.{name}": f"tf.compat.v1.layers.{name}"
                                      for name in LAYERS}}

    return Spec()


def _change(entry: str) -> Change:
    line, _, severity, message = _LOG.fullmatch(entry.strip()).groups()
    if "'tf.layers." in message:
        message += f" ({OURS}: TF 2.21's upgrader leaves tf.layers; tf-keras runs it)"
    return Change(int(line), severity, message.strip())


def upgrade(source: str) -> Upgraded:
    """``source`` rewritten by TensorFlow's upgrader (and the ``tf.layers`` mapping).

    The source must parse (check with ``compile`` first: the upgrader's own parse error
    is a traceback).
    """
    from tensorflow.tools.compatibility import ast_edits

    upgrader = ast_edits.ASTCodeUpgrader(_spec())
    with contextlib.redirect_stdout(io.StringIO()):  # it prints every change as well
        _, text, logs, errors = upgrader.update_string_pasta(source, "")
    entries = dict.fromkeys([*logs, *(e.lstrip(":") for e in errors)])  # each once
    changes = sorted((_change(e) for e in entries), key=lambda c: c.line)
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
