"""Model families: each builds a Keras model and a TF1 graph from one hyperparameters object."""

from __future__ import annotations

from mnist_keras.nets import cnn, mlp


def family(hp):
    """The family module (``mlp`` or ``cnn``) that builds ``hp``."""
    for module in (mlp, cnn):
        if isinstance(hp, module.HParams):
            return module
    raise TypeError(f"no model family builds {type(hp).__name__}")
