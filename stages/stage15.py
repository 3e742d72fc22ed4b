"""Stage 15: a longer schedule, up to the ladder's compute budget.

Adds over stage 14: 36,000 steps of 50 images instead of 20,000 (33 passes over TF1's
55,000; Deotte's recipe trains 30), the cosine decaying over all of them. The budget
of a rung is twice stage 9's training FLOPs (2 x 82.0 TFLOP): 36,000 steps of the
conv stack at 90.6 MFLOP per image are 163 TFLOP, 1.99 times stage 9's
(``mnist_keras.report.flops``).

Run:   python -m mnist_keras --stage=15        (or --stage=long_schedule)
Measured: see docs/beyond.md (validation on TF1's 5,000 from a run on the other
55,000, ``--nofull_train``).
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import conv_stack
from stages import stage14

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

NAME = "stage15"
TEXT = None  # beyond the tutorials
CHANGE = "36,000 steps (the FLOP budget: 2x stage 9)"
TUTORIAL_ACCURACY = None


@dataclasses.dataclass(frozen=True)
class HParams(stage14.HParams):
    """Stage 14's, trained 36,000 steps."""

    steps: int | None = 36000


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return conv_stack.build_model(hp)


def search_space(hp: "kt.HyperParameters") -> HParams:
    """Stage 14's dropout and first rate (a search validates on the 5,000)."""
    return stage14.search_space(hp, base=HParams())
