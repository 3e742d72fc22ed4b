"""Stage 22: the conv stack at twice stage 14's width, for the steps the budget leaves.

Adds over stage 18, the last rung kept: more width for fewer steps. Every convolution
has twice stage 14's filters (64, 128, 256 instead of 18's 48, 96, 192): 1.30M weights
and 120 MFLOP forward per image instead of 0.73M and 68. Within twice stage 9's
training FLOPs (164.1 TFLOP) that leaves 9,000 steps of 50 images instead of 16,000
(162.3 TFLOP, 1.98 times stage 9); the cosine still ends at a rate of 0. Stage 18 beat
stage 14 run for as many FLOPs (36,000 steps) by trading steps for width; this rung
asks whether the trade goes on. Dropout, augmentation, Adam from 1e-3 and batch 50 are
stage 18's.

Run:   python -m mnist_keras --stage=22        (or --stage=wider)
Measured: validation 0.9966 (stage 18: 0.9978), loss 0.0099 (0.0088), test 0.9961,
trained on TF1's 55,000 (``--nofull_train``, seed 1234); 12.8 min on 2 cores of an AMD
EPYC (docs/beyond.md). Not kept: 9,000 steps are too few for this net.
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import conv_stack
from stages import stage18

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

NAME = "stage22"
TEXT = None  # beyond the tutorials
CHANGE = "2x wider conv stack, 9,000 steps"
TUTORIAL_ACCURACY = None
D = conv_stack.DROPOUT


@dataclasses.dataclass(frozen=True)
class HParams(stage18.HParams):
    """Stage 14's net at twice its channels, trained for the budget's steps."""

    layers: tuple[str, ...] = ("64C3", "64C3", "64C5S2", D,
                               "128C3", "128C3", "128C5S2", D,
                               "256C4", D)
    steps: int | None = 9_000  # 9,000 x 50 images x 360.8 MFLOP = 162.3 TFLOP


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return conv_stack.build_model(hp)


def search_space(hp: "kt.HyperParameters", base: HParams | None = None) -> HParams:
    """Stage 18's space around this stage's defaults.

    With a fresh ``kt.HyperParameters()`` it returns ``base`` (default ``HParams()``).
    """
    return stage18.search_space(hp, base or HParams())
