"""Elastic distortion of training images, as Simard et al. (2003) describe it.

Each image gets its own random displacement field: two independently seeded fields of
normal noise (one for rows, one for columns), each smoothed with a Gaussian of
``sigma`` pixels, scaled so that each displacement's root mean square is ``rms``
pixels, then the image is resampled at the displaced points (bilinear, zero outside the
image, MNIST's background). Written in ``keras.ops``, so the same function runs in the
Keras layer and in the TF1 graph.

Why not Keras' own ``RandomElasticTransform`` (3.15): its ``factor`` is a probability,
so ``factor=1.0`` distorts about half the images; its ``scale`` is capped at 1 and drawn
once per batch, about 0.8 px RMS of fine jitter on 28x28; and on TensorFlow both fields
come from one seed, so every displacement runs along the diagonal.
"""

from __future__ import annotations

import math

import keras
import numpy as np
from keras import ops

TRUNCATE = 3.0  # the Gaussian is cut off at 3 sigma either side (99.7% of its mass)


def gaussian(sigma: float) -> np.ndarray:
    """A 1-D Gaussian of ``sigma`` pixels over +-``TRUNCATE`` sigma, summing to 1."""
    radius = math.ceil(TRUNCATE * sigma)
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    g = np.exp(-0.5 * (x / sigma) ** 2)
    return (g / g.sum()).astype(np.float32)


def field_scale(rms: float, sigma: float) -> float:
    """What multiplies white unit noise smoothed by ``gaussian(sigma)`` in both axes to
    give displacements of ``rms`` pixels root mean square.

    The smoothed noise at a pixel is a sum of independent unit normals weighted by the
    2-D kernel g_i g_j, so its variance is sum_ij (g_i g_j)^2 = (sum_i g_i^2)^2.
    """
    return rms / float(np.sum(gaussian(sigma).astype(np.float64) ** 2))


def noise_side(side: int, sigma: float) -> int:
    """The side of the noise that smooths to a ``side`` field with no edge effect: every
    pixel of the field gets the whole kernel."""
    return side + len(gaussian(sigma)) - 1


def smoothed(noise, rms: float, sigma: float):
    """Unit normal ``noise`` [batch, n, n, 1] smoothed and scaled into displacements
    [batch, n - len(kernel) + 1, same], pixels, ``rms`` root mean square."""
    kernel = gaussian(sigma)
    down = ops.convert_to_tensor(kernel.reshape(-1, 1, 1, 1))
    across = ops.convert_to_tensor(kernel.reshape(1, -1, 1, 1))
    smooth = ops.conv(ops.conv(noise, down, padding="valid"), across, padding="valid")
    return smooth[..., 0] * field_scale(rms, sigma)


def distort(images, rows, cols):
    """``images`` [batch, side, side, 1] resampled at each pixel moved by (rows, cols)."""
    grid = ops.cast(ops.arange(images.shape[1]), images.dtype)

    def one(args):  # an image, its row and column displacements
        image, down, across = args
        coordinates = ops.stack([grid[:, None] + down, grid[None, :] + across])
        return ops.image.map_coordinates(image, coordinates, order=1,
                                         fill_mode="constant", fill_value=0.0)

    # Per image (the batch may be unknown until run time, as in a TF1 graph), vectorized.
    return ops.vectorized_map(one, (images[..., 0], rows, cols))[..., None]


def distorted(images, rms: float, sigma: float, normal):
    """``images`` [batch, side, side, 1], each elastically distorted.

    Args:
      normal: draws unit normal noise of a given shape; called twice, for the row field
        and then the column field, each draw independent of the other.
    """
    side = noise_side(images.shape[1], sigma)
    shape = (ops.shape(images)[0], side, side, 1)
    rows, cols = (smoothed(normal(shape), rms, sigma) for _ in range(2))
    return distort(images, rows, cols)


@keras.saving.register_keras_serializable(package="mnist_keras")
class ElasticDistortion(keras.layers.Layer):
    """A new elastic distortion of every image in training; the identity at inference.

    Args:
      rms: root mean square of each displacement (rows, columns), pixels.
      sigma: the smoothing Gaussian's standard deviation, pixels.
      seed: the seed of the layer's generator (None: from Keras' global seed).
    """

    def __init__(self, rms: float, sigma: float, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.rms, self.sigma, self.seed = rms, sigma, seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=False):
        if not training:
            return images
        # Each draw takes the next seed of the generator: two fields, two seeds.
        return distorted(images, self.rms, self.sigma,
                         lambda shape: keras.random.normal(shape, seed=self.seed_generator))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rms": self.rms, "sigma": self.sigma,
                "seed": self.seed}
