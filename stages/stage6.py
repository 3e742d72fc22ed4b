"""Stage 6: He initialisation (text 002).

Adds over stage 5: weights from tf.keras.initializers.he_normal() (truncated normal,
variance 2/fan_in).

Run:   python -m mnist_keras --stage=6
Text:  Accuracy(test) 0.9795
"""

import dataclasses

import keras

from mnist_keras.nets import mlp
from stages import stage5

NAME = "stage6"
TEXT = "002"
CHANGE = "He init"
TUTORIAL_ACCURACY = 0.9795


@dataclasses.dataclass(frozen=True)
class HParams(stage5.HParams):
    """Stage 5's, with He normal weights."""

    kernel_init: str = "he_normal"


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return mlp.build_model(hp)
