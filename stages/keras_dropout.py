"""keras_dropout: the Keras part of text 002, wide + deep + dropout on all 60,000 images.

Adds over stage 8: what the text's Keras code does differently from its TF1 code: Keras'
default initialisers (Glorot uniform weights, zero biases), ``Dropout(0.3)``, Adam with
Keras' default epsilon (1e-7), and training on all 60,000 training images. The text ends
in ``Activation('softmax')`` with ``categorical_crossentropy``; here the softmax is inside
the loss (``from_logits=True``), the same function, computed more stably.

Run:   python -m mnist_keras --stage=keras_dropout
Text:  Test accuracy: 0.9825
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import mlp
from stages import stage8

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

NAME = "keras_dropout"
TEXT = "002"
CHANGE = "Keras 4x512 + Dropout(0.3), 60k images"
TUTORIAL_ACCURACY = 0.9825


@dataclasses.dataclass(frozen=True)
class HParams(stage8.HParams):
    """Stage 8's net with Keras defaults, trained on all 60,000 images."""

    kernel_init: str = "glorot_uniform"  # Dense's default
    bias_init: str = "zeros"  # Dense's default
    adam_epsilon: float = 1e-7  # Keras' Adam() default
    full_train: bool = True


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return mlp.build_model(hp)


def search_space(hp: "kt.HyperParameters") -> HParams:
    """The Keras net's knobs, searched: width, depth, dropout rate and Adam's rate.

    Initialisers stay Keras' defaults (this stage's point). With a fresh
    ``kt.HyperParameters()`` it returns ``HParams()``.
    """
    base = HParams()
    return dataclasses.replace(
        base,
        hidden=mlp.search_hidden(hp, base),
        dropout=hp.Float("dropout", 0.0, 0.6, step=0.1, default=base.dropout),
        learning_rate=hp.Float("learning_rate", 1e-5, 1e-2, sampling="log",
                               default=base.learning_rate))
