"""Stage 16: the turn, zoom and shift in one resampling.

Adds over stage 15: how the training images are distorted, not how much. Stage 11's
augmentation is Keras' ``RandomRotation``, ``RandomZoom`` and ``RandomTranslation``,
which resample each image once each: three bilinear interpolations, each a little blur.
Here one layer maps every pixel through the same random turn (up to 10 degrees), zoom
(up to 10%) and shift (up to 10% of the side) and interpolates once
(``mnist_keras.nets.distortion``). The net learns from digits as sharp as the ones it is
tested on. Everything else is stage 15's.

Run:   python -m mnist_keras --stage=16        (or --stage=one_pass)
Measured: see docs/beyond.md.
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import conv_stack
from stages import stage15

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

NAME = "stage16"
TEXT = None  # beyond the tutorials
CHANGE = "turn, zoom and shift in one resampling"
TUTORIAL_ACCURACY = None


@dataclasses.dataclass(frozen=True)
class HParams(stage15.HParams):
    """Stage 15's, its training images distorted in one resampling."""

    one_pass: bool = True


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return conv_stack.build_model(hp)


def search_space(hp: "kt.HyperParameters", base: HParams | None = None) -> HParams:
    """Stage 15's space (the distortion has no knob of its own here).

    With a fresh ``kt.HyperParameters()`` it returns ``base`` (default ``HParams()``).
    """
    return stage15.search_space(hp, base or HParams())
