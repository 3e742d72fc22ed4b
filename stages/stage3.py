"""Stage 3: the Adam optimizer (text 002).

Adds over stage 2: tf.train.AdamOptimizer instead of gradient descent, learning rate 0.01
(epsilon 1e-8, TF1's default).

Run:   python -m mnist_keras --stage=3
Text:  Accuracy(test) 0.9666
"""

import dataclasses

import keras

from mnist_keras.nets import mlp
from stages import stage2

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
