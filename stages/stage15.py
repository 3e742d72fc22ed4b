"""Stage 15: an average of the weights is what is scored.

Adds over stage 14: the optimizer keeps an exponential moving average of the weights
(Keras' ``use_ema``, momentum 0.999: about the last 1,000 steps), and the average, not
the last weights, is validated and tested. The last steps of a run still wander around
the minimum, with dropout and augmentation in every batch; their average sits nearer
its middle. Batch normalization's statistics belong to the weights that gathered them,
on augmented images, so before the average is scored they are measured again on 200
training batches (10,000 images, forward only, counted in the run's FLOPs;
``mnist_keras.training.weight_average``). The net, the images and the schedule are
stage 14's. Keras only: the TF1 graph of the same net is stage 14's (``--api=v1``).

Run:   python -m mnist_keras --stage=15        (or --stage=weight_average)
Measured: see docs/beyond.md.
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
CHANGE = "an average of the weights, scored"
TUTORIAL_ACCURACY = None


@dataclasses.dataclass(frozen=True)
class HParams(stage14.HParams):
    """Stage 14's, scored on the weights' moving average."""

    ema_momentum: float = 0.999
    bn_refresh_batches: int = 200


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled (its optimizer keeps the average)."""
    return conv_stack.build_model(hp)


def search_space(hp: "kt.HyperParameters", base: HParams | None = None) -> HParams:
    """The average's momentum, around stage 14's space.

    With a fresh ``kt.HyperParameters()`` it returns ``base`` (default ``HParams()``).
    """
    base = stage14.search_space(hp, base or HParams())
    return dataclasses.replace(
        base, ema_momentum=hp.Choice("ema_momentum", [0.99, 0.999, 0.9999],
                                     default=base.ema_momentum))
