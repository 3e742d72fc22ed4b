"""Stage 7: deep and wide (text 002).

Adds over stage 6: four hidden layers of 512, 784-512-512-512-512-10 (1,195,018 parameters).

Run:   python -m mnist_keras --stage=7
Text:  Accuracy(test) 0.9820
"""

import dataclasses

import keras

from mnist_keras.nets import mlp
from stages import stage6

NAME = "stage7"
TEXT = "002"
CHANGE = "deep & wide"
TUTORIAL_ACCURACY = 0.9820


@dataclasses.dataclass(frozen=True)
class HParams(stage6.HParams):
    """Stage 6's, with four hidden layers of 512."""

    hidden: tuple[int, ...] = (512, 512, 512, 512)


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return mlp.build_model(hp)
