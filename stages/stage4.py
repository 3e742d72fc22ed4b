"""Stage 4: Xavier initialisation (text 002).

Adds over stage 3: weights from tf.contrib.layers.xavier_initializer() (Glorot uniform)
instead of N(0, 1); biases stay N(0, 1). The text notes accuracy got slightly *worse* at
lr 0.01.

Run:   python -m mnist_keras --stage=4
Text:  Accuracy(test) 0.9658
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import mlp
from stages import stage3

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

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


def search_space(hp: "kt.HyperParameters") -> HParams:
    """Stage 4's question, searched: which weight initialiser, and at which learning rate.

    The text saw Xavier *lose* at lr 0.01 and fixed it in stage 5 by lowering the rate:
    searching both together shows that interaction. With a fresh
    ``kt.HyperParameters()`` it returns ``HParams()``.
    """
    base = HParams()
    return dataclasses.replace(
        base,
        kernel_init=hp.Choice("kernel_init", ["normal:1.0", "glorot_uniform", "he_normal"],
                              default=base.kernel_init),
        learning_rate=hp.Float("learning_rate", 1e-4, 1e-1, sampling="log",
                               default=base.learning_rate))
