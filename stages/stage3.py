"""Stage 3: the Adam optimizer (text 002).

Adds over stage 2: tf.train.AdamOptimizer instead of gradient descent, learning rate 0.01
(epsilon 1e-8, TF1's default).

Run:   python -m mnist_keras --stage=3
Text:  Accuracy(test) 0.9666
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import mlp
from stages import stage2

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

NAME = "stage3"
TEXT = "002"
CHANGE = "Adam"
TUTORIAL_ACCURACY = 0.9666


@dataclasses.dataclass(frozen=True)
class HParams(stage2.HParams):
    """Stage 2's, with Adam."""

    optimizer: str = "adam"


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return mlp.build_model(hp)


def search_space(hp: "kt.HyperParameters") -> HParams:
    """Stage 3's question, searched: Adam or gradient descent, and at which learning rate.

    One log-scale learning-rate range serves both optimizers (0.01 works for either here).
    With a fresh ``kt.HyperParameters()`` it returns ``HParams()``.
    """
    base = HParams()
    return dataclasses.replace(
        base,
        optimizer=hp.Choice("optimizer", ["adam", "sgd"], default=base.optimizer),
        learning_rate=hp.Float("learning_rate", 1e-4, 1e-1, sampling="log",
                               default=base.learning_rate))
