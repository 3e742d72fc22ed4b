"""The batches both APIs train on, in one shuffled order, as a ``tf.data`` pipeline.

Epoch *e* of a run with seed *s* is the permutation ``numpy.random.default_rng([s, e])``
of the training images, cut into batches; it depends on nothing else. So a Keras run
and a TF1 run with the same seed see the same batches, and a resumed run picks up at the
batch where it stopped.
"""

from __future__ import annotations

import itertools

import numpy as np
import tensorflow as tf

from mnist_keras.data.mnist import Split


def epoch_order(n: int, seed: int, epoch: int) -> np.ndarray:
    """The shuffled order of ``n`` examples in epoch ``epoch``; depends on nothing else."""
    return np.random.default_rng([seed, epoch]).permutation(n)


def batch_indices(n: int, batch_size: int, seed: int, start: int = 0):
    """Endless index batches, reshuffled each epoch, as TF1's ``next_batch`` served them.

    Args:
      start: the first batch to yield, counted from the run's first (a resumed run).
    """
    per_epoch = -(-n // batch_size)
    epoch, skip = divmod(start, per_epoch)
    for e in itertools.count(epoch):
        order = epoch_order(n, seed, e)
        for i in range(skip * batch_size, n, batch_size):
            yield order[i:i + batch_size]
        skip = 0


def make_dataset(split: Split, batch_size: int, *, seed: int | None = None,
                 num_batches: int | None = None, start: int = 0, one_hot: bool = False,
                 parts: tuple[int, int, int] | None = None) -> tf.data.Dataset:
    """A tf.data pipeline of (images, labels) batches over ``split``.

    With a ``seed``: the ``num_batches`` training batches of :func:`batch_indices` from batch
    ``start`` on. Without: the split once, in order (for evaluation). The arrays are
    already in memory (which is what ``cache()`` would give), so the pipeline carries only
    index batches and gathers each batch whole, then prefetches the next.

    Args:
      parts: ``(total, first, count)`` for distributed training: every batch is cut into
        ``total`` parts (one per replica) and the pipeline yields parts ``first`` to
        ``first + count - 1`` of each, in order.
    """
    images = tf.constant(split.images)
    labels = tf.constant(split.one_hot() if one_hot else split.labels)
    if seed is None:
        ds = tf.data.Dataset.range(len(split)).batch(batch_size)
    else:
        idx = list(itertools.islice(batch_indices(len(split), batch_size, seed, start),
                                    num_batches))
        if parts is not None:
            total, first, count = parts
            idx = [p for b in idx for p in np.array_split(b, total)[first:first + count]]
        ragged = tf.RaggedTensor.from_row_lengths(np.concatenate(idx), [len(i) for i in idx])
        ds = tf.data.Dataset.from_tensor_slices(ragged)
    ds = ds.map(lambda i: (tf.gather(images, i), tf.gather(labels, i)),
                num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)
