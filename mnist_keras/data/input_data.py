"""TF1's ``input_data.read_data_sets``, over the MNIST files shipped with mnist-keras.

``tensorflow.examples.tutorials.mnist`` is gone from TensorFlow 2, and the texts' TF1
programs start with it::

    mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)
    batch_xs, batch_ys = mnist.train.next_batch(100)

This module gives the notebooks the same names and the same behaviour, so that their TF1
programs read as the texts wrote them: ``mnist.train`` (55,000 images), ``.validation``
(the first 5,000 of the training file) and ``.test`` (10,000), each a :class:`DataSet`
with float32 ``images`` [n, 784] in [0, 1], ``labels`` (one-hot float32 [n, 10] with
``one_hot=True``, else integer class ids), ``num_examples``, and ``next_batch``, which
serves each epoch in a new random order as TF1's did.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from mnist_keras.data import mnist


class DataSet:
    """One split, served in batches as TF1's ``DataSet`` served it.

    ``next_batch`` shuffles the examples before the first batch and again whenever an
    epoch runs out; a batch that crosses the end of an epoch is the epoch's rest plus
    the start of the next epoch's order.
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, seed: int | None = None):
        self._images, self._labels = images, labels
        self._rng = np.random.default_rng(seed)
        self._order: np.ndarray | None = None
        self._index = 0  # the next example of the current epoch's order
        self.epochs_completed = 0

    @property
    def images(self) -> np.ndarray:
        return self._images

    @property
    def labels(self) -> np.ndarray:
        return self._labels

    @property
    def num_examples(self) -> int:
        return len(self._labels)

    def next_batch(self, batch_size: int) -> tuple[np.ndarray, np.ndarray]:
        """The next ``batch_size`` (images, labels) of the shuffled epochs."""
        if self._order is None:
            self._order = self._rng.permutation(self.num_examples)
        taken = self._order[self._index:self._index + batch_size]
        self._index += len(taken)
        if len(taken) < batch_size:  # the epoch ran out: the rest, then a new order
            self.epochs_completed += 1
            self._order = self._rng.permutation(self.num_examples)
            self._index = batch_size - len(taken)
            taken = np.concatenate([taken, self._order[:self._index]])
        return self._images[taken], self._labels[taken]


@dataclasses.dataclass(frozen=True)
class Datasets:
    """``read_data_sets``' result: ``train``, ``validation`` (None when it is empty) and
    ``test``."""

    train: DataSet
    validation: DataSet | None
    test: DataSet


def read_data_sets(one_hot: bool = False, *, validation_size: int = mnist.VALIDATION_SIZE,
                   seed: int | None = None, train_examples: int | None = None,
                   test_examples: int | None = None, data_dir: str | None = None
                   ) -> Datasets:
    """MNIST split as TF1's ``input_data.read_data_sets`` split it.

    Args:
      one_hot: labels as one-hot float32 vectors (the texts' ``one_hot=True``).
      validation_size: images held out from the start of the training file; 0 keeps
        all 60,000 for training (the texts' Keras parts).
      seed: of the order ``train.next_batch`` serves the examples in (TF1's ``seed``).
      train_examples, test_examples: keep only the first this many training or test
        images (quick runs; not TF1's).
      data_dir: a directory of the four IDX files instead of the shipped ones.
    """
    data = mnist.load(mnist.resolve_source("idx", data_dir), full_train=validation_size == 0,
                      train_examples=train_examples, validation_size=validation_size)
    labels = (lambda split: split.one_hot()) if one_hot else (lambda split: split.labels)
    test = data.test if test_examples is None else data.test.take(test_examples)
    train = DataSet(data.train.images, labels(data.train), seed)
    validation = None if data.validation is None else DataSet(
        data.validation.images, labels(data.validation), seed)
    return Datasets(train, validation, DataSet(test.images, labels(test), seed))
