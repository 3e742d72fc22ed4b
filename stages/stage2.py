"""Stage 2: a smaller learning rate (text 002).

Adds over stage 1: learning rate 0.1 -> 0.01 ("overshooting": the text tries powers of ten).

Run:   python -m mnist_keras --stage=2
Text:  Accuracy(test) 0.9247
"""

import dataclasses

import keras

from mnist_keras.nets import mlp
from stages import stage1

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
