"""softmax_hidden: text 001's DNN, with *softmax* as the hidden activation.

Adds over ``sigmoid``: the hidden layers use ``tf.nn.softmax`` (an odd choice: each hidden
layer's 256 outputs sum to 1, so the next layer sees tiny inputs), Adam at 0.001, 15 epochs,
seed 777. The text's low accuracy comes from that choice; it is reproduced, not fixed.

Run:   python -m mnist_keras --stage=softmax_hidden
Text:  정확도는 0.8405 (test accuracy 0.8405).
"""

import dataclasses

import keras

from mnist_keras.nets import mlp
from stages import sigmoid

NAME = "softmax_hidden"
TEXT = "001"
CHANGE = "softmax as hidden activation"
TUTORIAL_ACCURACY = 0.8405


@dataclasses.dataclass(frozen=True)
class HParams(sigmoid.HParams):
    """``sigmoid``'s net with softmax hidden layers, Adam 0.001, 15 epochs, seed 777."""

    activation: str = "softmax"
    optimizer: str = "adam"
    learning_rate: float = 0.001
    epochs: int = 15
    seed: int = 777  # tf.set_random_seed(777)


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return mlp.build_model(hp)
