"""Stage 20: the elastic distortion of stage 19, without dropout.

Adds over stage 19: no dropout (0.25 before). On the wider net the elastic distortion
still underfits: stage 19 gets fewer of its clean training images right than 18 and ends
with twice its training loss (docs/beyond.md). Distorting every training image is itself
a regularizer, and the published runs that gain from elastic distortion train without
dropout (ttdoucet/mnist). The net, the distortion, the steps and the schedule are
stage 19's.

Run:   python -m mnist_keras --stage=20        (or --stage=wide_elastic_no_dropout)
Measured: see docs/beyond.md.
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import conv_stack
from stages import stage19

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

NAME = "stage20"
TEXT = None  # beyond the tutorials
CHANGE = "no dropout, with the elastic distortion"
TUTORIAL_ACCURACY = None


@dataclasses.dataclass(frozen=True)
class HParams(stage19.HParams):
    """Stage 19's, without dropout."""

    dropout: float = 0.0


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return conv_stack.build_model(hp)


def search_space(hp: "kt.HyperParameters", base: HParams | None = None) -> HParams:
    """Stage 19's space around this stage's defaults.

    With a fresh ``kt.HyperParameters()`` it returns ``base`` (default ``HParams()``).
    """
    return stage19.search_space(hp, base or HParams())
