"""Stage 17: elastic distortion of the training images, in the same resampling.

Adds over stage 16: every training image is also distorted elastically, as Simard et al.
(2003) did for MNIST: every pixel moves along a smooth random field (normal noise
smoothed by a Gaussian of 4 px, 1 px root mean square in each direction), in the same
single resampling as the turn, zoom and shift (``mnist_keras.nets.distortion``). A
stroke bends and thickens locally, as another hand would write it, which turning and
shifting the whole image cannot do. The net, its training and the scored average are
stage 16's; the distortion is off at inference.

Run:   python -m mnist_keras --stage=17        (or --stage=elastic)
Measured: see docs/beyond.md.
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import conv_stack
from stages import stage16

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

NAME = "stage17"
TEXT = None  # beyond the tutorials
CHANGE = "elastic distortion"
TUTORIAL_ACCURACY = None


@dataclasses.dataclass(frozen=True)
class HParams(stage16.HParams):
    """Stage 16's, with every training image also distorted elastically."""

    elastic: float = 1.0  # px, root mean square of each displacement
    elastic_sigma: float = 4.0  # px, the smoothing Gaussian's sigma


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return conv_stack.build_model(hp)


def search_space(hp: "kt.HyperParameters", base: HParams | None = None) -> HParams:
    """The distortion's size and smoothness, around stage 16's space.

    With a fresh ``kt.HyperParameters()`` it returns ``base`` (default ``HParams()``).
    """
    base = stage16.search_space(hp, base or HParams())
    return dataclasses.replace(
        base,
        elastic=hp.Float("elastic", 0.5, 2.0, step=0.25, default=base.elastic),
        elastic_sigma=hp.Float("elastic_sigma", 3.0, 5.0, step=0.5,
                               default=base.elastic_sigma))
