"""Stage 1: deep net with ReLU, meant to fail (text 002).

Adds over stage 0: two hidden layers of 256 with ReLU, 784-256-256-10 (269,322
parameters), still N(0, 1) weights and gradient descent at 0.1. With N(0, 1) weights the
first logits are in the hundreds (the text's first cost is 137) and the net never
recovers: the text's point is that this *fails*, and so it does here; nothing is fixed.

Run:   python -m mnist_keras --stage=1
Text:  Accuracy(test) 0.2279
"""

import dataclasses

import keras

from mnist_keras.nets import mlp
from stages import stage0

NAME = "stage1"
TEXT = "002"
CHANGE = "deep net + ReLU"
TUTORIAL_ACCURACY = 0.2279


@dataclasses.dataclass(frozen=True)
class HParams(stage0.HParams):
    """Stage 0's, with two hidden ReLU layers of 256."""

    hidden: tuple[int, ...] = (256, 256)  # with mlp's default hidden activation, ReLU


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return mlp.build_model(hp)
