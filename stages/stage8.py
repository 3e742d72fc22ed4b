"""Stage 8: dropout, the top of the ladder (text 002).

Adds over stage 7: dropout after each hidden layer, keep_prob 0.7 in training and 1.0 at test
(Keras rate 0.3).

Run:   python -m mnist_keras --stage=8
Text:  Accuracy(test) 0.9845
"""

import dataclasses

import keras

from mnist_keras.nets import mlp
from stages import stage7

NAME = "stage8"
TEXT = "002"
CHANGE = "dropout"
TUTORIAL_ACCURACY = 0.9845


@dataclasses.dataclass(frozen=True)
class HParams(stage7.HParams):
    """Stage 7's, with dropout 0.3 after each hidden layer."""

    dropout: float = 0.3  # = 1 - keep_prob (0.7)


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return mlp.build_model(hp)
