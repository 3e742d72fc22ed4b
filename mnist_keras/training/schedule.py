"""The schedule both APIs train on: *periods*, and when progress is committed.

A period is an epoch or, in step mode (``hp.steps``), a chunk of ``log_every`` steps;
after each, the tutorial's line is printed and the period's numbers go to the history.
"""

from __future__ import annotations

import math

from mnist_keras.nets.hparams import Training

CHECKPOINT_STEPS = 1000  # in step mode, commit progress about this often (batches)


def periods(hp: Training, train_images: int) -> tuple[int, int]:
    """(periods, batches per period): epochs, or chunks of at most ``log_every`` steps."""
    if hp.steps is None:
        return hp.epochs, -(-train_images // hp.batch_size)
    chunk = math.gcd(hp.steps, hp.log_every)  # divides steps; at most log_every
    return hp.steps // chunk, chunk


def commit_every(hp: Training, train_images: int) -> int:
    """Periods between commits of progress: every epoch, or about every 1,000 steps."""
    _, batches = periods(hp, train_images)
    return 1 if hp.steps is None else max(1, CHECKPOINT_STEPS // batches)


def period_images(hp: Training, train_images: int) -> int:
    """Training images seen in one period."""
    return train_images if hp.steps is None else periods(hp, train_images)[1] * hp.batch_size
