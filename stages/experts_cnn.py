"""experts_cnn (stage 9): the convolutional net of "Deep MNIST for Experts" (text 003).

Adds over the ladder: convolutions. conv 5x5x32 relu, max-pool 2x2, conv 5x5x64 relu,
max-pool 2x2, dense 1024 relu, dropout (keep 0.5), dense 10; "SAME" padding, stride 1;
weights truncated normal (stddev 0.1), biases 0.1; Adam at 1e-4, batch 50, 20,000 steps,
a ``step N, training accuracy`` line every 100 steps (3,274,634 parameters).

Run:   python -m mnist_keras --stage=9        (or --stage=experts_cnn)
Text:  about 0.992 ("약 99.2%").
"""

import dataclasses

import keras

from mnist_keras.nets import cnn

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
    # Measured on 2 CPU cores (s per 55,000 images): XLA 49.6, oneDNN kernels 38.6 with
    # 20 steps per execution, 51.9 with 1. See benchmarks/speed.py.
    jit_compile: bool = False
    steps_per_execution: int = 20


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return cnn.build_model(hp)
