"""Stage 21: an average of the weights, scored, on the wider net.

Adds over stage 18, the last rung kept: stage 15's average. Adam keeps an exponential
moving average of the weights (Keras' ``use_ema``, momentum 0.999: about the last 1,000
steps), and the average is validated and tested, after batch normalization's statistics
are measured again for it on 200 training batches (10,000 images, forward only,
counted in the run's FLOPs: 163.3 TFLOP, 1.99 times stage 9). On stage 14 the average
bought nothing (docs/beyond.md); the wider net ends with a training loss still falling
and dropout 0.25, so its last weights may wander more. The net, the images, the steps
and the schedule are stage 18's. Keras only: the TF1 graph of the same net is stage 18's.

Run:   python -m mnist_keras --stage=21        (or --stage=wide_average)
Measured: validation 0.9976 (stage 18: 0.9978), loss 0.0088 (0.0088), test 0.9964, the
average scored, trained on TF1's 55,000 (``--nofull_train``, seed 1234); 13.1 min on 2
cores of an AMD EPYC (docs/beyond.md). Not kept.
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import conv_stack
from stages import stage15, stage18

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

NAME = "stage21"
TEXT = None  # beyond the tutorials
CHANGE = "an average of the weights, scored, on the wider net"
TUTORIAL_ACCURACY = None


@dataclasses.dataclass(frozen=True)
class HParams(stage18.HParams):
    """Stage 18's, scored on the weights' moving average (stage 15's settings)."""

    ema_momentum: float = stage15.HParams.ema_momentum
    bn_refresh_batches: int = stage15.HParams.bn_refresh_batches


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled (its optimizer keeps the average)."""
    return conv_stack.build_model(hp)


def search_space(hp: "kt.HyperParameters", base: HParams | None = None) -> HParams:
    """Stage 15's space (dropout, the first rate, the average's momentum) around this
    stage's defaults.

    With a fresh ``kt.HyperParameters()`` it returns ``base`` (default ``HParams()``).
    """
    return stage15.search_space(hp, base or HParams())
