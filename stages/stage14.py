"""Stage 14: a stack of small convolutions instead of the experts' net.

Adds over stage 13: the net. Stage 9's two 5x5 convolutions and 3136x1024 dense layer
(3.3M weights) give way to Deotte's 32C3-32C3-32C5S2-64C3-64C3-64C5S2-128C4 with a
dropout of 0.4 after each group (``mnist_keras.nets.conv_stack``): 0.33M weights,
about 30 MFLOP forward per image against 28. Every convolution is batch-normalized
before its ReLU. Everything else is stage 13's: its augmentation, Adam from 1e-3 along
a cosine to 0, batch 50, 20,000 steps, all 60,000 images.

Run:   python -m mnist_keras --stage=14        (or --stage=conv_stack)
Measured: validation 0.9972 after the last step (stage 12: 0.9952), test 0.9967,
trained on TF1's 55,000 (``--nofull_train``, seed 1234); 20.6 min on 2 cores of an
AMD EPYC, 1.63 times stage 9's time per image (docs/beyond.md).
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import conv_stack
from stages import stage13

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

NAME = "stage14"
TEXT = None  # beyond the tutorials
CHANGE = "a stack of small convolutions (Deotte's net)"
TUTORIAL_ACCURACY = None
_STAGE13 = stage13.HParams()  # how the rung before trains, kept


@dataclasses.dataclass(frozen=True)
class HParams(conv_stack.HParams):
    """The conv stack, trained as stage 13."""

    optimizer: str = _STAGE13.optimizer
    learning_rate: float = _STAGE13.learning_rate
    adam_epsilon: float = _STAGE13.adam_epsilon
    steps: int | None = _STAGE13.steps
    log_every: int = _STAGE13.log_every
    batch_size: int = _STAGE13.batch_size
    full_train: bool = _STAGE13.full_train
    lr_schedule: str = _STAGE13.lr_schedule
    lr_final: float = _STAGE13.lr_final
    rotation: float = _STAGE13.rotation
    zoom: float = _STAGE13.zoom
    shift: float = _STAGE13.shift


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return conv_stack.build_model(hp)


def search_space(hp: "kt.HyperParameters", base: HParams | None = None) -> HParams:
    """The dropout rate and the schedule's first rate (a search validates on the 5,000).

    Args:
      base: the hyperparameters searched around (default ``HParams()``).

    With a fresh ``kt.HyperParameters()`` it returns ``base``.
    """
    base = base or HParams()
    return dataclasses.replace(
        base,
        dropout=hp.Float("dropout", 0.0, 0.5, step=0.1, default=base.dropout),
        learning_rate=hp.Float("learning_rate", 1e-4, 1e-2, sampling="log",
                               default=base.learning_rate))
