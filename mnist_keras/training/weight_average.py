"""Scoring an average of the weights (``nets.hparams.WeightAverage``) instead of the last.

Keras' optimizer keeps the average (``use_ema``) and, at the end of ``fit``, writes it
over the weights. Two things make that average the one a run is judged by:

* validation during training sees the average (:class:`ValidateTheAverage`), not the
  weights being trained;
* before the averaged weights are scored, batch normalization's statistics are measured
  again for them (:func:`refresh_batch_norm`): the running statistics were gathered by
  the last weights, and the average's activations differ from theirs.
"""

from __future__ import annotations

import keras
import numpy as np


def averaging(model: keras.Model) -> bool:
    """Whether ``model``'s optimizer keeps an average of the weights."""
    return bool(getattr(model.optimizer, "use_ema", False))


def _swap(optimizer) -> None:
    """Exchanges the weights and their average, bit for bit (through host copies; Keras'
    own ``SwapEMAWeights`` swaps by additions, which round)."""
    for var, average in zip(optimizer._trainable_variables,
                            optimizer._model_variables_moving_average):
        value = var.numpy()
        var.assign(average)
        average.assign(value)


class ValidateTheAverage(keras.callbacks.Callback):
    """Swaps the average in for each validation and the trained weights back after it."""

    def on_test_begin(self, logs=None):
        _swap(self.model.optimizer)

    def on_test_end(self, logs=None):
        _swap(self.model.optimizer)


def average_in(model: keras.Model) -> None:
    """Writes the average over the weights, as ``fit`` does at its end (again is harmless:
    a run resumed after its last commit has not been through that ``fit``)."""
    model.optimizer.finalize_variable_values(model.trainable_variables)


def refresh_batch_norm(model: keras.Model, images: np.ndarray, batch_size: int) -> int:
    """Batch normalization's moving statistics measured again on ``images``.

    Each batch passes through the model as at inference (no augmentation, no dropout)
    except that every batch normalization normalizes with the batch's own statistics, as
    in training, and its moving mean and variance become the running mean over the
    batches so far (momentum ``1 - 1/k`` at the k-th): at the end, the mean of the
    batches' statistics, with equal weights.

    Returns:
      The images that went through (the count ``report.flops`` charges, forward only).
    """
    norms = [layer for layer in model.layers
             if isinstance(layer, keras.layers.BatchNormalization)]
    momenta = [layer.momentum for layer in norms]
    try:
        for k, start in enumerate(range(0, len(images), batch_size), 1):
            for layer in norms:
                layer.momentum = 1.0 - 1.0 / k
            x = images[start:start + batch_size]
            for layer in model.layers:
                x = layer(x, training=layer in norms)
    finally:
        for layer, momentum in zip(norms, momenta):
            layer.momentum = momentum
    return len(images)
