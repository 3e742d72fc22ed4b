"""Stage 13: all 60,000 training images, the last rung.

Adds over stage 12: training on all 60,000 training images instead of TF1's 55,000, so
the 5,000 that chose every setting of stages 10-12 are learnt from too. Nothing is
chosen on them any more: the run is tested once, on the 10,000 test images.

Run:   python -m mnist_keras --stage=13        (or --stage=all_images)
Measured: test 0.9944 (stage 12: 0.9949; one seed each, 5 images apart), 33 min on 2
cores of an AMD EPYC (seed 1234; docs/beyond.md). Short of the 99.70% goal.
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import cnn
from stages import stage12

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

NAME = "stage13"
TEXT = None  # beyond the tutorials
CHANGE = "all 60,000 training images"
TUTORIAL_ACCURACY = None


@dataclasses.dataclass(frozen=True)
class HParams(stage12.HParams):
    """Stage 12's, trained on all 60,000 images."""

    full_train: bool = True


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return cnn.build_model(hp)


def search_space(hp: "kt.HyperParameters") -> HParams:
    """Stage 12's schedule, searched (a search still validates on the 5,000)."""
    return stage12.search_space(hp, base=HParams())
