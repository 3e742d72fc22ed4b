"""The modules TF1-era MNIST programs import that TensorFlow 2.21 and Keras 3 lack.

:func:`install` puts a finder first on ``sys.meta_path`` that serves:

* ``tensorflow.examples.tutorials.mnist.input_data``: TF1's ``read_data_sets`` over
  the shipped MNIST files (``mnist_keras.data.input_data``);
* Keras 2's module names, which Keras 3 folded into ``keras.layers`` and
  ``keras.utils`` (``keras.layers.core``, ``keras.utils.np_utils``, ...);
* ``tensorflow.contrib``'s ``rnn``, ``layers`` and ``framework`` (``tf1.contrib``), also
  as ``tf.contrib``;
* a one-line refusal, naming what replaced it, for another removed module
  (``tensorflow.contrib.slim``, ...).

It also points ``keras.datasets.mnist.load_data`` at the shipped files (it downloads
otherwise) and makes Keras' other ``load_data`` functions refuse in one line: nothing is
downloaded. Only the runner and the ``%%tf1`` extension call it; importing this module
changes nothing.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys
import os
import types

import numpy as np

from mnist_keras.data import input_data, mnist
from mnist_keras.errors import InputError
from mnist_keras.tf1 import contrib, names

PACKAGES = ("tensorflow.examples", "tensorflow.examples.tutorials",
            "tensorflow.examples.tutorials.mnist")
INPUT_DATA = "tensorflow.examples.tutorials.mnist.input_data"
# Keras 2's modules -> where Keras 3 has their names.
KERAS2 = {f"keras.layers.{m}": "keras.layers" for m in (
    "core", "convolutional", "pooling", "normalization", "advanced_activations", "merge",
    "recurrent", "embeddings", "noise", "local", "wrappers")}
KERAS2.update({"keras.utils.np_utils": "keras.utils",
               "keras.utils.generic_utils": "keras.utils"})
LEGACY_KERAS = "TF_USE_LEGACY_KERAS"  # read once, when TensorFlow loads
DATASETS = ("mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters",
            "boston_housing", "california_housing")


class DownloadError(InputError):
    """A program asked for data from the network; this runner is offline."""


def _forwarding(name: str, target: str) -> types.ModuleType:
    """A module ``name`` whose attributes are ``target``'s (Keras 3's), or one line."""
    module = types.ModuleType(name, f"Keras 2's {name}: its names, from {target}.")

    def lookup(attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        real = importlib.import_module(target)
        if hasattr(real, attr):
            return getattr(real, attr)
        close = names.nearest(attr, dir(real))
        raise AttributeError(f"{name}.{attr} is not in Keras 3 ({target} has no {attr}"
                             + (f"; did you mean {close}?)" if close else ")"))

    module.__getattr__ = lookup
    return module


def _input_data() -> types.ModuleType:
    module = types.ModuleType(INPUT_DATA, input_data.__doc__)
    module.__dict__.update({k: v for k, v in vars(input_data).items()
                            if not k.startswith("_") or k == "__getattr__"})
    return module


class _Loader(importlib.abc.Loader):
    def __init__(self, make):
        self.make = make

    def create_module(self, spec):
        return self.make()

    def exec_module(self, module):
        pass


class LegacyFinder(importlib.abc.MetaPathFinder):
    """Serves the modules above; refuses removed ones in one line."""

    def find_spec(self, fullname, path, target=None):
        if fullname in PACKAGES:
            spec = importlib.util.spec_from_loader(
                fullname, _Loader(lambda: types.ModuleType(fullname)), is_package=True)
            return spec
        if fullname == INPUT_DATA:
            return importlib.util.spec_from_loader(fullname, _Loader(_input_data))
        if fullname in KERAS2:
            return importlib.util.spec_from_loader(
                fullname, _Loader(lambda: _forwarding(fullname, KERAS2[fullname])))
        if contrib.serves(fullname):
            return importlib.util.spec_from_loader(
                fullname, _Loader(lambda: contrib.module(fullname)),
                is_package=fullname == contrib.PACKAGE)
        hint = names.removed_hint(fullname) if fullname.startswith("tensorflow.") else None
        if hint:
            raise names.RemovedAPIError(f"import {fullname}: {hint}")
        return None


class QuickImages(np.ndarray):
    """Fewer images than the file holds, where a program reshapes by the full count:
    ``x_train.reshape(60000, 784)`` (text 002) reshapes the images served."""

    full = 0  # the count the file holds

    def reshape(self, *shape, **kwargs):
        dims = shape[0] if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        if dims and dims[0] == self.full:
            dims = (len(self), *dims[1:])
        return super().reshape(dims, **kwargs)


def _served(array, count: int | None):
    if count is None:
        return array
    served = array[:count].copy().view(QuickImages)
    served.full = len(array)
    return served


def keras_mnist_load_data(path: str = "mnist.npz"):
    """Keras' ``mnist.load_data()`` from the shipped files: ((x_train, y_train),
    (x_test, y_test)), uint8 [n, 28, 28] and [n], all 60,000 training images."""
    del path  # Keras' cache file name; nothing is downloaded
    arrays, limit = mnist.raw_arrays(), input_data.limits()
    x_train = _served(arrays["train_images"].reshape(-1, mnist.IMAGE_SIDE, mnist.IMAGE_SIDE),
                      limit["train"])
    x_test = _served(arrays["test_images"].reshape(-1, mnist.IMAGE_SIDE, mnist.IMAGE_SIDE),
                     limit["test"])
    return ((x_train, arrays["train_labels"][:limit["train"]]),
            (x_test, arrays["test_labels"][:limit["test"]]))


def _refused(dataset: str):
    def load_data(*args, **kwargs):
        raise DownloadError(f"keras.datasets.{dataset}.load_data() downloads it; this "
                            "runner is offline and ships MNIST only")
    return load_data


def _patch_keras_datasets() -> None:
    """Every loaded ``*.datasets.<name>`` module of Keras gets the offline ``load_data``."""
    importlib.import_module("keras.src.datasets.mnist")
    for dataset in DATASETS:
        loader = keras_mnist_load_data if dataset == "mnist" else _refused(dataset)
        for name, module in list(sys.modules.items()):
            if name.startswith(("keras", "tf_keras")) and name.endswith(f"datasets.{dataset}") \
                    and hasattr(module, "load_data"):
                module.load_data = loader


def notes(tree) -> list[tuple[int, str]]:
    """(line, what is served there) for each import of a module above and each Keras
    ``load_data``: the changes of ours, beside the upgrader's."""
    import ast

    found = []
    for node in ast.walk(tree):
        modules = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module, *(f"{node.module}.{a.name}" for a in node.names)] \
            if isinstance(node, ast.ImportFrom) and node.module else []
        for module in modules:
            if module == INPUT_DATA or module.startswith(INPUT_DATA + "."):
                found.append((node.lineno, f"{INPUT_DATA} is gone from TensorFlow 2: "
                              "mnist-keras serves it, from its own MNIST files"))
            elif module in KERAS2:
                found.append((node.lineno, f"{module} is Keras 2's: Keras 3 has its "
                              f"names in {KERAS2[module]} (served under the old name)"))
            elif module == "keras.datasets.mnist":
                found.append((node.lineno, "keras.datasets.mnist.load_data() downloads: "
                              "served from mnist-keras' own MNIST files"))
            elif contrib.serves(module) and module != contrib.PACKAGE:
                found.append((node.lineno, f"{module} is gone from TensorFlow 2: mnist-keras "
                              "serves it (RNN cells where the upgrader says they went, "
                              "contrib's layers on tf.compat.v1.layers)"))
    return sorted(set(found))


def install() -> None:
    """Serves the modules above in this process (once; again is harmless)."""
    if not any(isinstance(f, LegacyFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, LegacyFinder())
    tensorflow = importlib.import_module("tensorflow")
    if "contrib" not in vars(tensorflow):  # tf.contrib.layers.flatten, as TF1 spelt it
        tensorflow.contrib = importlib.import_module(contrib.PACKAGE)
    importlib.import_module("keras.datasets.mnist")
    _patch_keras_datasets()


def use_legacy_keras() -> None:
    """Has TensorFlow, when it loads, give ``tf.compat.v1.layers``, TF1's RNN cells (and
    ``tf.keras``) from tf-keras; one line where tf-keras is not installed."""
    if importlib.util.find_spec("tf_keras") is None:
        raise InputError("this program uses TF1's tf.layers, RNN cells or contrib layers, "
                         "which Keras 3 dropped; the tf-keras package brings them back: "
                         "pip install 'tf-keras~=2.21.0'")
    os.environ[LEGACY_KERAS] = "1"


def prepare(graph: bool, legacy_keras: bool = False) -> None:
    """What a program written by ``mnist-keras-tf1 --write`` calls before anything else:
    tf-keras for ``tf.layers`` (before TensorFlow loads), the modules above, and graph
    mode for TF1 code."""
    if legacy_keras:
        use_legacy_keras()
    install()
    if graph:
        import tensorflow as tf

        tf.compat.v1.disable_eager_execution()
