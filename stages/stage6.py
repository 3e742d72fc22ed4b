"""Stage 6: He initialisation (text 002).

Adds over stage 5: weights from tf.keras.initializers.he_normal() (truncated normal,
variance 2/fan_in).

Run:   python -m mnist_keras --stage=6
Text:  Accuracy(test) 0.9795
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import mlp
from stages import stage5

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

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


def search_space(hp: "kt.HyperParameters") -> HParams:
    """Stage 6's question, searched: which initialiser, for weights and for biases.

    The ladder keeps N(0, 1) biases throughout; zeros is the usual choice, so both are
    offered. With a fresh ``kt.HyperParameters()`` it returns ``HParams()``.
    """
    base = HParams()
    return dataclasses.replace(
        base,
        kernel_init=hp.Choice("kernel_init", ["normal:1.0", "glorot_uniform", "he_normal"],
                              default=base.kernel_init),
        bias_init=hp.Choice("bias_init", ["normal:1.0", "zeros"], default=base.bias_init),
        learning_rate=hp.Float("learning_rate", 1e-5, 1e-1, sampling="log",
                               default=base.learning_rate))
