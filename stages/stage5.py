"""Stage 5: Xavier with a smaller learning rate (text 002).

Adds over stage 4: Adam's learning rate 0.01 -> 0.001.

Run:   python -m mnist_keras --stage=5
Text:  Accuracy(test) 0.9789
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import mlp
from stages import stage4

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

NAME = "stage5"
TEXT = "002"
CHANGE = "smaller lr"
TUTORIAL_ACCURACY = 0.9789


@dataclasses.dataclass(frozen=True)
class HParams(stage4.HParams):
    """Stage 4's, with learning rate 0.001."""

    learning_rate: float = 0.001


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return mlp.build_model(hp)


def search_space(hp: "kt.HyperParameters") -> HParams:
    """Stage 5's question, searched: the learning rate (log scale) with the initialiser.

    With a fresh ``kt.HyperParameters()`` it returns ``HParams()``.
    """
    base = HParams()
    return dataclasses.replace(
        base,
        learning_rate=hp.Float("learning_rate", 1e-5, 1e-1, sampling="log",
                               default=base.learning_rate),
        kernel_init=hp.Choice("kernel_init", ["normal:1.0", "glorot_uniform", "he_normal"],
                              default=base.kernel_init))
