"""Stage 5: Xavier with a smaller learning rate (text 002).

Adds over stage 4: Adam's learning rate 0.01 -> 0.001.

Run:   python -m mnist_keras --stage=5
Text:  Accuracy(test) 0.9789
"""

import dataclasses

import keras

from mnist_keras.nets import mlp
from stages import stage4

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
