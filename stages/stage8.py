"""Stage 8: dropout, the top of the ladder (text 002).

Adds over stage 7: dropout after each hidden layer, keep_prob 0.7 in training and 1.0 at test
(Keras rate 0.3).

Run:   python -m mnist_keras --stage=8
Text:  Accuracy(test) 0.9845
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import mlp
from stages import stage7

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

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


def search_space(hp: "kt.HyperParameters") -> HParams:
    """Stage 8's question, searched: how much dropout, with width, depth and the rate.

    Dropout rate (= 1 - keep_prob) from 0 to 0.6 in steps of 0.1; the rest is stage 7's
    space. With a fresh ``kt.HyperParameters()`` it returns ``HParams()``.
    """
    base = HParams()
    return dataclasses.replace(
        base,
        hidden=mlp.search_hidden(hp, base),
        dropout=hp.Float("dropout", 0.0, 0.6, step=0.1, default=base.dropout),
        bias_init=hp.Choice("bias_init", ["normal:1.0", "zeros"], default=base.bias_init),
        learning_rate=hp.Float("learning_rate", 1e-5, 1e-2, sampling="log",
                               default=base.learning_rate))
