"""mnist-keras: the Korean TF1 MNIST tutorials, stage by stage, on TensorFlow 2 / Keras 3."""

__version__ = "0.1.0"
