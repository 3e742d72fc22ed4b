"""Stage 0: softmax regression, the start of the ladder (text 002).

Adds: the baseline. One linear layer 784-10 (softmax in the loss), N(0, 1) weights and
biases, gradient descent with learning rate 0.1, 15 epochs of batch 100 on TF1's 55,000.

Run:   python -m mnist_keras --stage=0
Text:  Accuracy(test) 0.8894 (the summary table; its printed log says 0.8897).
"""

import dataclasses

import keras

from mnist_keras.nets import mlp

NAME = "stage0"
TEXT = "002"
CHANGE = "softmax regression"
TUTORIAL_ACCURACY = 0.8894


@dataclasses.dataclass(frozen=True)
class HParams(mlp.HParams):
    """784-10; every value stated, since later stages only override."""

    hidden: tuple[int, ...] = ()
    kernel_init: str = "normal:1.0"  # tf.random_normal: stddev 1.0
    bias_init: str = "normal:1.0"
    optimizer: str = "sgd"
    learning_rate: float = 0.1
    epochs: int = 15
    batch_size: int = 100
    seed: int = 1234  # tf.set_random_seed(1234)


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return mlp.build_model(hp)
