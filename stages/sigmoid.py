"""sigmoid: the first deep net of text 000, with sigmoid hidden layers.

Adds: 784-256-256-10 with *sigmoid* hidden activations, N(0, 1) weights and biases,
gradient descent at 0.1, 30 epochs of batch 100 (the text prints the last batch's cost
every third epoch; here every epoch's mean cost is printed).

Run:   python -m mnist_keras --stage=sigmoid
Text:  정확도는 91.64% (test accuracy 0.9164).
"""

import dataclasses

import keras

from mnist_keras.nets import mlp

NAME = "sigmoid"
TEXT = "000"
CHANGE = "sigmoid DNN"
TUTORIAL_ACCURACY = 0.9164


@dataclasses.dataclass(frozen=True)
class HParams(mlp.HParams):
    """784-256-256-10 sigmoid, N(0, 1), GD 0.1, 30 epochs, batch 100."""

    hidden: tuple[int, ...] = (256, 256)
    activation: str = "sigmoid"
    kernel_init: str = "normal:1.0"
    bias_init: str = "normal:1.0"
    optimizer: str = "sgd"
    learning_rate: float = 0.1
    epochs: int = 30
    batch_size: int = 100


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return mlp.build_model(hp)
