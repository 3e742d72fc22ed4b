"""Stage 16: elastic distortion of the training images, on top of the affine one.

Adds over stage 15: after each training image is turned, zoomed and shifted, it is
distorted elastically, as Simard et al. (2003) did for MNIST: every pixel moves along a
smooth random field (normal noise smoothed by a Gaussian of 4 px, 1 px root mean square
in each direction; ``mnist_keras.nets.elastic``). A stroke bends and thickens locally,
as another hand would write it, which turning and shifting the whole image cannot do.
The net, its training and the scored average are stage 15's; the distortion is off at
inference.

Run:   python -m mnist_keras --stage=16        (or --stage=elastic)
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
CHANGE = "elastic distortion"
TUTORIAL_ACCURACY = None


@dataclasses.dataclass(frozen=True)
class HParams(stage15.HParams):
    """Stage 15's, with every training image also distorted elastically."""

    elastic: float = 1.0  # px, root mean square of each displacement
    elastic_sigma: float = 4.0  # px, the smoothing Gaussian's sigma


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return conv_stack.build_model(hp)


def search_space(hp: "kt.HyperParameters", base: HParams | None = None) -> HParams:
    """The distortion's size and smoothness, around stage 15's space.

    With a fresh ``kt.HyperParameters()`` it returns ``base`` (default ``HParams()``).
    """
    base = stage15.search_space(hp, base or HParams())
    return dataclasses.replace(
        base,
        elastic=hp.Float("elastic", 0.5, 2.0, step=0.25, default=base.elastic),
        elastic_sigma=hp.Float("elastic_sigma", 3.0, 5.0, step=0.5,
                               default=base.elastic_sigma))
