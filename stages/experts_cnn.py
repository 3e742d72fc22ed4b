"""experts_cnn (stage 9): the convolutional net of "Deep MNIST for Experts" (text 003).

Adds over the ladder: convolutions. conv 5x5x32 relu, max-pool 2x2, conv 5x5x64 relu,
max-pool 2x2, dense 1024 relu, dropout (keep 0.5), dense 10; "SAME" padding, stride 1;
weights truncated normal (stddev 0.1), biases 0.1; Adam at 1e-4, batch 50, 20,000 steps,
a ``step N, training accuracy`` line every 100 steps (3,274,634 parameters).

Run:   python -m mnist_keras --stage=9        (or --stage=experts_cnn)
Text:  about 0.992 ("약 99.2%").
"""

import dataclasses
from typing import TYPE_CHECKING

import keras

from mnist_keras.nets import cnn

if TYPE_CHECKING:  # keras_tuner is imported only where a search runs
    import keras_tuner as kt

NAME = "experts_cnn"
TEXT = "003"
CHANGE = "CNN (2 conv + dense 1024 + dropout)"
TUTORIAL_ACCURACY = 0.992


@dataclasses.dataclass(frozen=True)
class HParams(cnn.HParams):
    """The text's CNN: Adam 1e-4, batch 50, 20,000 steps, logged every 100."""

    optimizer: str = "adam"
    learning_rate: float = 1e-4
    batch_size: int = 50
    steps: int | None = 20000
    log_every: int = 100


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return cnn.build_model(hp)


def search_space(hp: "kt.HyperParameters") -> HParams:
    """The CNN's knobs, searched: Adam's rate, dropout, dense width, kernel and filters.

    ``filters`` is a choice of strings ("32,64") because keras-tuner choices hold
    scalars. With a fresh ``kt.HyperParameters()`` it returns ``HParams()``.
    """
    base = HParams()
    filters = hp.Choice("filters", ["16,32", "32,64"],
                        default=",".join(map(str, base.filters)))
    return dataclasses.replace(
        base,
        learning_rate=hp.Float("learning_rate", 1e-5, 1e-2, sampling="log",
                               default=base.learning_rate),
        dropout=hp.Float("dropout", 0.0, 0.7, step=0.1, default=base.dropout),
        dense=hp.Choice("dense", [256, 512, 1024], default=base.dense),
        kernel_size=hp.Choice("kernel_size", [3, 5], default=base.kernel_size),
        filters=tuple(int(f) for f in filters.split(",")))
