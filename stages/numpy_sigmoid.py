"""numpy_sigmoid: the 784-50-100-10 sigmoid net of text 004, trained here.

Adds: the network whose forward pass the text runs in NumPy alone (sigmoid hidden layers,
softmax output, 45,360 parameters). The text loads a book's pickled weights
(``sample_weight.pkl``), which this project does not have and would never unpickle; so the
net is trained here, with choices stated, not the text's: Glorot uniform weights, zero
biases, Adam at 0.001, 15 epochs of batch 100 on TF1's 55,000. Then
``python -m mnist_keras.numpy_infer`` runs the text's NumPy inference on those weights.

Run:   python -m mnist_keras --stage=numpy_sigmoid --model_dir=runs/numpy_sigmoid
Text:  Accuracy: 0.9352 (NumPy inference, batch 100).
"""

import dataclasses

import keras

from mnist_keras.nets import mlp

NAME = "numpy_sigmoid"
TEXT = "004"
CHANGE = "784-50-100-10 sigmoid for NumPy inference"
TUTORIAL_ACCURACY = 0.9352


@dataclasses.dataclass(frozen=True)
class HParams(mlp.HParams):
    """784-50-100-10 sigmoid; training choices are this project's (stated above)."""

    hidden: tuple[int, ...] = (50, 100)
    activation: str = "sigmoid"
    kernel_init: str = "glorot_uniform"
    bias_init: str = "zeros"
    optimizer: str = "adam"
    learning_rate: float = 0.001


def build_model(hp: HParams = HParams()) -> keras.Sequential:
    """The stage's Keras model, compiled."""
    return mlp.build_model(hp)
