"""``tensorflow.contrib``, as far as TF1-era MNIST programs reach into it.

TensorFlow 2 has no ``tf.contrib``. Its upgrader renames what moved when a program
writes the whole name (``tf.contrib.rnn.BasicLSTMCell``), but not a name imported from
it (``from tensorflow.contrib import rnn``), and has no rule for contrib's layers. The
runner serves three of its modules, under their old names:

- ``tensorflow.contrib.rnn``: each name where the upgrader says it went
  (``BasicLSTMCell``: ``tf.compat.v1.nn.rnn_cell.BasicLSTMCell``; ``static_rnn``:
  ``tf.compat.v1.nn.static_rnn``), on tf-keras, as TF 2.21 has them;
- ``tensorflow.contrib.layers`` and ``tensorflow.contrib.framework``: contrib's layers
  and ``arg_scope`` (``tf1.contrib_layers``), and the upgrader's renames of the rest;
- any other part (``slim``, ``learn``, ...): one line naming what replaced it.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib
import re
import types

from mnist_keras.tf1 import names, upgrade

PACKAGE = "tensorflow.contrib"
SUBMODULES = ("rnn", "layers", "framework")
# Where a name of contrib.rnn lives when the upgrader has no rule for it.
RNN_HOMES = ("tf.compat.v1.nn.rnn_cell", "tf.compat.v1.nn")
_MEMBER = re.compile(r"Using member tf\.contrib\.(\w+)\.(\w+) in deprecated module")


def _resolve(dotted: str):
    """``tf.a.b`` looked up in TensorFlow."""
    import tensorflow

    return functools.reduce(getattr, dotted.split(".")[1:], tensorflow)


def lookup(submodule: str, attr: str):
    """``tensorflow.contrib.<submodule>.<attr>``, as the runner serves it."""
    from mnist_keras.tf1 import contrib_layers  # TensorFlow's: loaded by now

    if attr in contrib_layers.SERVED.get(submodule, ()):
        return getattr(contrib_layers, attr)
    renamed = upgrade.renames().get(f"tf.contrib.{submodule}.{attr}")
    homes = [renamed] if renamed else []
    if submodule == "rnn":
        homes += [f"{home}.{attr}" for home in RNN_HOMES]
    for home in homes:
        try:
            return _resolve(home)
        except AttributeError:
            continue
    served = contrib_layers.SERVED.get(submodule)
    raise names.ServedAttributeError(
        f"tf.contrib.{submodule}.{attr} went with tf.contrib" +
        (f"; mnist-keras serves {', '.join(served)}" if served else "") +
        ": write it with keras.layers")


def _submodule(name: str) -> types.ModuleType:
    short = name.rsplit(".", 1)[1]
    module = types.ModuleType(name, f"TF1's tf.contrib.{short}, as mnist-keras serves it.")

    def getattr_(attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return lookup(short, attr)

    module.__getattr__ = getattr_
    return module


def _package() -> types.ModuleType:
    module = types.ModuleType(PACKAGE, "TF1's tf.contrib, the parts mnist-keras serves.")
    module.__path__ = []

    def getattr_(attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        if attr in SUBMODULES:
            return importlib.import_module(f"{PACKAGE}.{attr}")
        raise names.ServedAttributeError(names.removed_hint(f"tf.contrib.{attr}"))

    module.__getattr__ = getattr_
    return module


def serves(fullname: str) -> bool:
    """Whether ``fullname`` is the package or one of the modules served."""
    return fullname == PACKAGE or fullname in (f"{PACKAGE}.{s}" for s in SUBMODULES)


def module(fullname: str) -> types.ModuleType:
    """A new module object for ``fullname`` (one that :func:`serves`)."""
    return _package() if fullname == PACKAGE else _submodule(fullname)


def annotate(change: upgrade.Change) -> upgrade.Change:
    """The upgrader's "cannot be converted" error for a contrib name served here, said
    as what it is: a note that the name is served."""
    match = _MEMBER.search(change.message)
    if not match or match.group(1) not in SUBMODULES:
        return change
    try:
        lookup(*match.groups())
    except AttributeError:
        return change
    return dataclasses.replace(change, severity="INFO", message=(
        f"{upgrade.OURS}: tf.contrib.{match.group(1)}.{match.group(2)} is gone from "
        "TensorFlow 2 (the upgrader has no rule for it): " +
        ("served where the upgrader says it went" if match.group(1) == "rnn"
         else "served, on tf.compat.v1.layers")))
