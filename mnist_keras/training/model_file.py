"""A run's ``model.keras``: the trained model as Keras' own classes, saved atomically."""

from __future__ import annotations

import os

import keras
import numpy as np

from mnist_keras import nets
from mnist_keras.execution import settings
from mnist_keras.nets.hparams import Training
from mnist_keras.training import atomic


def portable_copy(model: keras.Model, stage, hp: Training,
                  execution: settings.Execution) -> keras.Sequential:
    """``model`` as Keras' own classes: the same layers, weights and optimizer state.

    What trained it may be this project's faster classes (``mnist_keras.execution``);
    the copy is the stage's model built as plain ``keras.Sequential`` with Keras' layers
    and optimizer, compiled with the same ``jit_compile`` so that it predicts with the
    same kernels. Layers of this project's own that do nothing at inference are left out
    (``nets.portable_hparams``).
    """
    with settings.scope(settings.portable(execution)):
        copy = stage.build_model(nets.portable_hparams(hp))
    copy.set_weights(model.get_weights())
    trained = model.optimizer
    if trained is not None and trained.built:
        copy.optimizer.build(copy.trainable_variables)
        for target, source in zip(copy.optimizer.variables, trained.variables, strict=True):
            target.assign(np.asarray(source))
    return copy


def save_model(model: keras.Model, path: str) -> None:
    """Saves a native ``.keras`` file atomically (written beside, then renamed), 0644."""
    tmp = atomic.temporary_path(path)[:-len(".tmp")] + ".keras"  # Keras wants .keras
    try:
        model.save(tmp)
        os.chmod(tmp, atomic.FILE_MODE)
        atomic.sync_file(tmp)
        atomic.replace(tmp, path)
    except BaseException:
        atomic.remove(tmp)
        raise
