"""Stage 18: a wider conv stack, for the steps the budget leaves.

Adds over stage 14, the last rung kept (15-17 bought nothing on validation): width.
Every convolution has 1.5 times its filters (48, 96, 192 instead of 32, 64, 128):
0.73M weights and 68 MFLOP forward per image instead of 0.33M and 30. Within twice
stage 9's training FLOPs (164.1 TFLOP) that leaves 16,000 steps of 50 images instead
of 20,000 (162.6 TFLOP, 1.98 times stage 9), and the cosine still ends at a rate of 0.
With fewer passes over the images and more weights to fit them, dropout after each
group falls from 0.4 to 0.25. Everything else is stage 14's: Keras' turn, zoom and
shift, Adam from 1e-3, batch 50, all 60,000 images.

Run:   python -m mnist_keras --stage=18        (or --stage=wide)
Measured: validation 0.9978 after the last step (stage 14: 0.9972), loss 0.0088 (0.0096),
test 0.9966, trained on TF1's 55,000 (``--nofull_train``, seed 1234); 12.4 min on 2
cores of an AMD EPYC (docs/beyond.md).
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import conv_stack
from stages import stage14

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

NAME = "stage18"
TEXT = None  # beyond the tutorials
CHANGE = "1.5x wider conv stack, 16,000 steps, dropout 0.25"
TUTORIAL_ACCURACY = None
D = conv_stack.DROPOUT


@dataclasses.dataclass(frozen=True)
class HParams(stage14.HParams):
    """Stage 14's net at 1.5 times its channels, trained for the budget's steps."""

    layers: tuple[str, ...] = ("48C3", "48C3", "48C5S2", D,
                               "96C3", "96C3", "96C5S2", D,
                               "192C4", D)
    dropout: float = 0.25
    steps: int | None = 16_000  # 16,000 x 50 images x 203.2 MFLOP = 162.6 TFLOP


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return conv_stack.build_model(hp)


def search_space(hp: "kt.HyperParameters", base: HParams | None = None) -> HParams:
    """Stage 14's space (dropout, the first rate) around this stage's defaults.

    With a fresh ``kt.HyperParameters()`` it returns ``base`` (default ``HParams()``).
    """
    return stage14.search_space(hp, base or HParams())
