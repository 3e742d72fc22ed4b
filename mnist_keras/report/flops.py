"""Training FLOPs counted from a model's layers: the ladder's compute budget.

A rung beyond the tutorials may train with at most twice stage 9's FLOPs (82.0 TFLOP:
20,000 steps of 50 images at 82.05 MFLOP each), whatever machine it runs on.
"""

from __future__ import annotations

import keras
import numpy as np

from mnist_keras.nets.hparams import Training, WeightAverage, total_steps


def training_flops_per_image(model: keras.Model) -> float:
    """Training FLOPs (2 per multiply-add) of the Dense and Conv2D layers, per image.

    Each layer's forward product, weight gradient and input gradient cost the same; the
    first layer's input (the pixels) needs no gradient, so it has two products, not three.
    """
    products = _products(model)
    return 2 * (3 * sum(products) - products[0])


def _products(model: keras.Model) -> list[int]:
    """Multiply-adds per image of each Dense and Conv2D layer, in order."""
    products = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            products.append(int(np.prod(layer.kernel.shape)))
        elif isinstance(layer, keras.layers.Conv2D):
            height, width = layer.output.shape[1:3]
            products.append(height * width * int(np.prod(layer.kernel.shape)))
    return products


def forward_flops_per_image(model: keras.Model) -> float:
    """FLOPs of one image's forward pass through the Dense and Conv2D layers."""
    return 2 * sum(_products(model))


def training_flops(model: keras.Model, hp: Training) -> float:
    """A whole run's training FLOPs: per image, times the images its schedule trains on,
    plus the forward passes that measure batch normalization's statistics again for an
    average of the weights (``training.weight_average``)."""
    total = training_flops_per_image(model) * total_steps(hp) * hp.batch_size
    if isinstance(hp, WeightAverage) and hp.ema_momentum:
        total += forward_flops_per_image(model) * hp.bn_refresh_batches * hp.batch_size
    return total
