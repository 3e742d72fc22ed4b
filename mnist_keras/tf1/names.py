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
    "tf.contrib.slim": "TF-Slim is the tf-slim package now (pip install tf-slim; import "
                       "tf_slim as slim), or write the layers with keras.layers",
    "tf.contrib.learn": "tf.contrib.learn was removed: train with Keras (keras.Sequential, "
                        "fit), and read MNIST with input_data.read_data_sets",
    "tf.contrib.layers": "tf.contrib.layers was removed: tf.compat.v1.layers (with "
                         "tf-keras) or keras.layers",
    "tf.contrib.rnn": "tf.contrib.rnn was removed: keras.layers.LSTM, GRU or RNN",
    "tf.estimator": "tf.estimator was removed in TensorFlow 2.16: train with Keras "
                    "(keras.Model.fit)",
}


class RemovedAPIError(InputError):
    """A program uses an API that neither TensorFlow 2 nor this runner provides."""


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
        except Exception:  # noqa: BLE001 -- lazy modules raise what their loader raises
            name = ".".join([root, *parts[:i + 1]])
            hint = removed_hint(".".join(["tf", *parts]))  # the longest removed prefix
            if hint:
                return hint
            close = nearest(part, dir(obj))
            return f"{name} does not exist" + (
                f"; did you mean {'.'.join([root, *parts[:i], close])}?" if close else "")
    return None


def first_unknown(tree: ast.AST, bindings: dict[str, object]) -> Unknown | None:
    """The first dotted name rooted at a name of ``bindings`` (name: the TensorFlow
    module it is bound to) that its module lacks."""
    seen = set()
    for node in sorted((n for n in ast.walk(tree) if isinstance(n, ast.Attribute)),
                       key=lambda n: (n.lineno, n.col_offset)):
        chain = _dotted(node)
        if chain is None or chain[0] not in bindings or id(node) in seen:
            continue
        for inner in ast.walk(node):  # the chain's own prefixes are checked with it
            seen.add(id(inner))
        hint = _resolve(chain[0], bindings[chain[0]], chain[1])
        if hint:
            return Unknown(node.lineno, ".".join([chain[0], *chain[1]]), hint)
    return None
