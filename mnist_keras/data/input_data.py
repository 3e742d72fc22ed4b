"""TF1's ``tensorflow.examples.tutorials.mnist.input_data``, over the shipped MNIST files.

``tensorflow.examples.tutorials`` is gone from TensorFlow 2, and the texts' TF1 programs
start with it::

    from tensorflow.examples.tutorials.mnist import input_data
    mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)
    batch_xs, batch_ys = mnist.train.next_batch(100)

This module behaves as TF1's did (``contrib/learn/python/learn/datasets/mnist.py``),
with the files read from this package instead of downloaded: ``train_dir`` is accepted
and left alone. ``mnist.train`` holds 55,000 images, ``.validation`` the first 5,000 of
the training file, ``.test`` 10,000; each is a :class:`DataSet` with ``images``
(float32 [n, 784] in [0, 1]), ``labels`` (class ids, or one-hot float64 rows with
``one_hot=True``), ``num_examples``, ``epochs_completed`` and ``next_batch``. As in
TF1, the order of the examples is drawn from NumPy's global generator, which each
``DataSet`` seeds (from ``seed``, or from TensorFlow's graph-level seed, else fresh).

:func:`limit` makes later loads serve fewer images (quick runs; not TF1's).
"""

from __future__ import annotations

import collections

import numpy as np

from mnist_keras.data import mnist
from mnist_keras.errors import InputError

Datasets = collections.namedtuple("Datasets", ["train", "validation", "test"])
_LIMITS = {"train": None, "test": None, "validation": None}  # None: all (:func:`limit`)


def limit(train_examples: int | None = None, test_examples: int | None = None,
          validation_examples: int | None = None) -> None:
    """Later loads serve only the first ``train_examples`` training images (after the
    validation split), ``test_examples`` test images and ``validation_examples`` of the
    validation split; None serves all."""
    _LIMITS.update(train=train_examples, test=test_examples, validation=validation_examples)


def limits() -> dict:
    """What :func:`limit` set: ``{"train", "test", "validation"}``, each a count or None."""
    return dict(_LIMITS)


def dense_to_one_hot(labels_dense: np.ndarray, num_classes: int) -> np.ndarray:
    """Class ids [n] as one-hot rows [n, num_classes] (float64, as TF1's)."""
    one_hot = np.zeros((len(labels_dense), num_classes))
    one_hot[np.arange(len(labels_dense)), labels_dense] = 1
    return one_hot


def _graph_seed(seed: int | None) -> int | None:
    """The NumPy seed TF1's ``DataSet`` used: ``seed``, else the graph-level seed."""
    if seed is not None:
        return seed
    import tensorflow as tf  # only when a script left the seed to TensorFlow

    return tf.compat.v1.get_seed(None)[0]


class DataSet:
    """One split, served in batches as TF1's ``DataSet`` served it."""

    def __init__(self, images: np.ndarray, labels: np.ndarray, dtype=np.float32,
                 reshape: bool = True, seed: int | None = None):
        np.random.seed(_graph_seed(seed))
        if reshape:
            images = images.reshape(len(images), mnist.IMAGE_SIZE)
        else:
            images = images.reshape(len(images), mnist.IMAGE_SIDE, mnist.IMAGE_SIDE, 1)
        if np.dtype(getattr(dtype, "as_numpy_dtype", dtype)) == np.float32:
            images = images.astype(np.float32)
            images *= 1.0 / 255.0  # TF1's scaling, in place
        self._images, self._labels = images, labels
        self._epochs_completed = self._index_in_epoch = 0

    images = property(lambda self: self._images)
    labels = property(lambda self: self._labels)
    num_examples = property(lambda self: len(self._labels))
    epochs_completed = property(lambda self: self._epochs_completed)

    def _shuffle(self) -> None:
        perm = np.arange(self.num_examples)
        np.random.shuffle(perm)
        self._images, self._labels = self._images[perm], self._labels[perm]

    def next_batch(self, batch_size: int, fake_data: bool = False, shuffle: bool = True):
        """The next ``batch_size`` (images, labels); a new order every epoch, and a batch
        that crosses an epoch's end is that epoch's rest plus the next one's start."""
        start = self._index_in_epoch
        if self._epochs_completed == 0 and start == 0 and shuffle:
            self._shuffle()
        if start + batch_size <= self.num_examples:
            self._index_in_epoch += batch_size
            return self._images[start:self._index_in_epoch], \
                self._labels[start:self._index_in_epoch]
        self._epochs_completed += 1
        rest_images, rest_labels = self._images[start:], self._labels[start:]
        if shuffle:
            self._shuffle()
        self._index_in_epoch = batch_size - len(rest_labels)
        end = self._index_in_epoch
        return (np.concatenate((rest_images, self._images[:end]), axis=0),
                np.concatenate((rest_labels, self._labels[:end]), axis=0))


def read_data_sets(train_dir=None, fake_data: bool = False, one_hot: bool = False,
                   dtype=np.float32, reshape: bool = True,
                   validation_size: int = mnist.VALIDATION_SIZE, seed: int | None = None,
                   source_url: str | None = None, *, data_dir: str | None = None
                   ) -> Datasets:
    """MNIST as TF1's ``read_data_sets`` gave it, from the shipped files.

    Args:
      train_dir: where TF1 downloaded to; accepted and not used (nothing is written).
      fake_data: TF1's empty stand-in data; not served.
      one_hot: labels as one-hot rows (the texts' ``one_hot=True``).
      dtype: float32 (pixels / 255) or uint8 (as stored).
      reshape: images as [n, 784] rows, else [n, 28, 28, 1].
      validation_size: images held out from the start of the training file.
      seed: of NumPy's generator that orders the batches (TF1's).
      source_url: where TF1 downloaded from; not used.
      data_dir: a directory of the four IDX files instead of the shipped ones.

    Raises:
      ValueError: ``validation_size`` out of range (TF1's message).
    """
    del train_dir, source_url  # the files ship with this package
    if fake_data:
        raise InputError("read_data_sets(fake_data=True) is not served: mnist-keras serves "
                         "the real MNIST files")
    arrays = mnist.raw_arrays(mnist.resolve_source("idx", data_dir))
    images, labels = arrays["train_images"], arrays["train_labels"]
    if not 0 <= validation_size <= len(images):
        raise ValueError(f"Validation size should be between 0 and {len(images)}. "
                         f"Received: {validation_size}.")
    if one_hot:
        labels = dense_to_one_hot(labels, mnist.NUM_CLASSES)
    end = None if _LIMITS["train"] is None else validation_size + _LIMITS["train"]
    split = dict(dtype=dtype, reshape=reshape, seed=seed)
    test_labels = arrays["test_labels"][:_LIMITS["test"]]
    if one_hot:
        test_labels = dense_to_one_hot(test_labels, mnist.NUM_CLASSES)
    return Datasets(
        train=DataSet(images[validation_size:end], labels[validation_size:end], **split),
        validation=DataSet(images[:validation_size][:_LIMITS["validation"]],
                           labels[:validation_size][:_LIMITS["validation"]], **split),
        test=DataSet(arrays["test_images"][:_LIMITS["test"]], test_labels, **split))


def __getattr__(name: str):
    """TF1's downloading helpers, refused in one line."""
    if name in ("maybe_download", "extract_images", "extract_labels", "load_mnist"):
        raise InputError(f"input_data.{name} reads or downloads MNIST's files itself; "
                         "mnist-keras serves them: use input_data.read_data_sets(...)")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
