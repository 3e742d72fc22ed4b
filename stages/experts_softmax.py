"""experts_softmax: the first model of "Deep MNIST for Experts" (text 003).

Adds: softmax regression 784-10 with *zero* weights and biases, trained by gradient
descent at 0.01 on the cross-entropy **summed** over a batch of 50 (the text's
``-tf.reduce_sum(y_ * tf.log(y))``; equal to lr 0.5 on the mean), for 1,000 steps.

Run:   python -m mnist_keras --stage=experts_softmax
Text:  about 0.91 ("약 91% 정확도").
"""

import dataclasses

import keras

from mnist_keras.nets import mlp

NAME = "experts_softmax"
TEXT = "003"
CHANGE = "softmax, zeros init, summed loss"
TUTORIAL_ACCURACY = 0.91


@dataclasses.dataclass(frozen=True)
class HParams(mlp.HParams):
    """784-10, zeros, GD 0.01 on the summed cross-entropy, batch 50, 1,000 steps."""

    hidden: tuple[int, ...] = ()
    kernel_init: str = "zeros"
    bias_init: str = "zeros"
    optimizer: str = "sgd"
    learning_rate: float = 0.01
    loss_reduction: str = "sum"
    batch_size: int = 50
    steps: int | None = 1000


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return mlp.build_model(hp)
