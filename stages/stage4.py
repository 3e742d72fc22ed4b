"""Stage 4: Xavier initialisation (text 002).

Adds over stage 3: weights from tf.contrib.layers.xavier_initializer() (Glorot uniform)
instead of N(0, 1); biases stay N(0, 1). The text notes accuracy got slightly *worse* at
lr 0.01.

Run:   python -m mnist_keras --stage=4
Text:  Accuracy(test) 0.9658
"""

import dataclasses

import keras

from mnist_keras.nets import mlp
from stages import stage3

NAME = "stage4"
TEXT = "002"
CHANGE = "Xavier init"
TUTORIAL_ACCURACY = 0.9658


@dataclasses.dataclass(frozen=True)
class HParams(stage3.HParams):
    """Stage 3's, with Xavier (Glorot uniform) weights."""

    kernel_init: str = "glorot_uniform"


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return mlp.build_model(hp)
