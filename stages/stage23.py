"""Stage 23: stage 18's width only where it costs least, for more steps.

Adds over stage 18, the last rung kept: the first group of convolutions goes back to
stage 14's 32 filters; the second and third keep 18's 96 and 192. The first group works
on maps of 26x26 to 12x12, seven to nine times the positions of the second's (10x10 to
4x4), so its 48 filters were 60% of 18's FLOPs. With 32 the net keeps
92% of 18's weights (675,818) at 63% of its FLOPs (127.1 MFLOP a training image), and
the budget (twice stage 9's, 164.1 TFLOP) allows 25,600 steps instead of 16,000
(162.7 TFLOP, 1.98 times stage 9, as 18). Stage 22 (twice the width, 9,000 steps)
showed that 18 needs its steps; this rung gives it more of them. Dropout,
augmentation, Adam from 1e-3 along the cosine to 0, and batch 50 are stage 18's.

Run:   python -m mnist_keras --stage=23        (or --stage=late_width)
Measured: validation 0.9974 (stage 18: 0.9978), loss 0.0088 (0.0088), test 0.9969,
0.9989 of the clean training images (0.9981), trained on TF1's 55,000
(``--nofull_train``, seed 1234); 14.1 min on 2 cores of an AMD EPYC (docs/beyond.md).
Not kept: it fits the training images better and validates no better.
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import conv_stack
from stages import stage18

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

NAME = "stage23"
TEXT = None  # beyond the tutorials
CHANGE = "18's width in the later groups only, 25,600 steps"
TUTORIAL_ACCURACY = None
D = conv_stack.DROPOUT


@dataclasses.dataclass(frozen=True)
class HParams(stage18.HParams):
    """Stage 18's net with stage 14's first group, trained for the budget's steps."""

    layers: tuple[str, ...] = ("32C3", "32C3", "32C5S2", D,
                               "96C3", "96C3", "96C5S2", D,
                               "192C4", D)
    steps: int | None = 25_600  # 25,600 x 50 images x 127.1 MFLOP = 162.7 TFLOP


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return conv_stack.build_model(hp)


def search_space(hp: "kt.HyperParameters", base: HParams | None = None) -> HParams:
    """Stage 18's space around this stage's defaults.

    With a fresh ``kt.HyperParameters()`` it returns ``base`` (default ``HParams()``).
    """
    return stage18.search_space(hp, base or HParams())
