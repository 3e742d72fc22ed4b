"""Stage 12: a learning-rate schedule.

Adds over stage 11: Adam starts ten times faster, at 1e-3 (batch normalization lets it),
and its rate falls along half a cosine to 0 at the last of the 20,000 steps
(``keras.optimizers.schedules.CosineDecay``; TF1's ``tf.train.cosine_decay``).

Run:   python -m mnist_keras --stage=12        (or --stage=schedule)
Measured: validation 0.9952 after the last step (stage 11: 0.9924), test 0.9949,
33 min (seed 1234, one run; docs/beyond.md).
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import cnn
from stages import stage11

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

NAME = "stage12"
TEXT = None  # beyond the tutorials
CHANGE = "cosine learning-rate schedule from 1e-3"
TUTORIAL_ACCURACY = None


@dataclasses.dataclass(frozen=True)
class HParams(stage11.HParams):
    """Stage 11's, with Adam's rate falling from 1e-3 along a cosine to 0."""

    learning_rate: float = 1e-3
    lr_schedule: str = "cosine"
    lr_final: float = 0.0


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return cnn.build_model(hp)


def search_space(hp: "kt.HyperParameters", base: HParams | None = None) -> HParams:
    """The schedule's first and last rates.

    Args:
      base: the hyperparameters searched around (default ``HParams()``; stage 13 passes
        its own).

    With a fresh ``kt.HyperParameters()`` it returns ``base``.
    """
    base = base or HParams()
    return dataclasses.replace(
        base,
        learning_rate=hp.Float("learning_rate", 1e-4, 1e-2, sampling="log",
                               default=base.learning_rate),
        lr_final=hp.Choice("lr_final", [0.0, 0.01, 0.1], default=base.lr_final))
