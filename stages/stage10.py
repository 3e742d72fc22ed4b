"""Stage 10: batch normalization, the first rung after the tutorials.

Adds over stage 9 (the experts' CNN): every convolution's and the dense layer's output
normalized over its batch before the ReLU (``keras.layers.BatchNormalization``; at test
time, the moving averages of the training batches' statistics). The rest is stage 9's:
Adam at 1e-4, batch 50, 20,000 steps.

Run:   python -m mnist_keras --stage=10        (or --stage=batch_norm)
Measured: validation 0.9924 after the last step (stage 9, the same seed: 0.9920),
test 0.9912, 30 min on 2 cores of an AMD EPYC (seed 1234, one run; docs/beyond.md).
At Adam's 1e-4 it bought nothing measurable on validation (2 images of 5,000); kept
as the base for stage 12's ten times larger rate (not tried here without it).
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import cnn
from stages import experts_cnn

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

NAME = "stage10"
TEXT = None  # beyond the tutorials
CHANGE = "batch normalization"
TUTORIAL_ACCURACY = None


@dataclasses.dataclass(frozen=True)
class HParams(experts_cnn.HParams):
    """Stage 9's CNN with batch normalization before each ReLU."""

    batch_norm: bool = True


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return cnn.build_model(hp)


def search_space(hp: "kt.HyperParameters") -> HParams:
    """The rate batch normalization lets Adam take, with dropout and the dense width.

    With a fresh ``kt.HyperParameters()`` it returns ``HParams()``.
    """
    base = HParams()
    return dataclasses.replace(
        base,
        learning_rate=hp.Float("learning_rate", 1e-5, 1e-2, sampling="log",
                               default=base.learning_rate),
        dropout=hp.Float("dropout", 0.0, 0.7, step=0.1, default=base.dropout),
        dense=hp.Choice("dense", [256, 512, 1024], default=base.dense))
