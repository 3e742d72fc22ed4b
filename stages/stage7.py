"""Stage 7: deep and wide (text 002).

Adds over stage 6: four hidden layers of 512, 784-512-512-512-512-10 (1,195,018 parameters).

Run:   python -m mnist_keras --stage=7
Text:  Accuracy(test) 0.9820
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import mlp
from stages import stage6

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

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


def search_space(hp: "kt.HyperParameters") -> HParams:
    """Stage 7's question, searched: how wide and how deep (equal widths), and the rate.

    Initialisers are stage 6's He weights; biases may be N(0, 1) (the ladder's) or zeros.
    With a fresh ``kt.HyperParameters()`` it returns ``HParams()`` (4 x 512).
    """
    base = HParams()
    return dataclasses.replace(
        base,
        hidden=mlp.search_hidden(hp, base),
        bias_init=hp.Choice("bias_init", ["normal:1.0", "zeros"], default=base.bias_init),
        learning_rate=hp.Float("learning_rate", 1e-5, 1e-2, sampling="log",
                               default=base.learning_rate))
