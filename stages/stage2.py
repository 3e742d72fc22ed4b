"""Stage 2: a smaller learning rate (text 002).

Adds over stage 1: learning rate 0.1 -> 0.01 ("overshooting": the text tries powers of ten).

Run:   python -m mnist_keras --stage=2
Text:  Accuracy(test) 0.9247
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import mlp
from stages import stage1

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

NAME = "stage2"
TEXT = "002"
CHANGE = "smaller lr"
TUTORIAL_ACCURACY = 0.9247


@dataclasses.dataclass(frozen=True)
class HParams(stage1.HParams):
    """Stage 1's, with learning rate 0.01."""

    learning_rate: float = 0.01


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return mlp.build_model(hp)


def search_space(hp: "kt.HyperParameters") -> HParams:
    """Stage 2's own question, searched: which learning rate (the text tried powers of ten).

    Log scale from 1e-4 to 1: 0.1 is stage 1's failure, 0.01 the text's answer.
    With a fresh ``kt.HyperParameters()`` it returns ``HParams()``.
    """
    base = HParams()
    return dataclasses.replace(base, learning_rate=hp.Float(
        "learning_rate", 1e-4, 1.0, sampling="log", default=base.learning_rate))
