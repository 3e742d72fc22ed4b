"""Training images distorted in one resampling: a turn, zoom and shift, and an elastic
distortion as Simard et al. (2003) describe it.

Every bilinear resampling blurs a digit a little; Keras' ``RandomRotation``,
``RandomZoom`` and ``RandomTranslation`` resample once each, and an elastic layer after
them once more. A net trained on images blurred four times reads sharp ones worse
(measured: docs/beyond.md). :class:`Distortion` maps every output pixel to where it
reads from, through the affine transform and the elastic field together, and
interpolates once.

The elastic part: each image gets its own random displacement field: two independently seeded fields of
normal noise (one for rows, one for columns), each smoothed with a Gaussian of
``sigma`` pixels, scaled so that each displacement's root mean square is ``rms``
pixels, then the image is resampled at the displaced points (bilinear, zero outside the
image, MNIST's background: the arithmetic of ``keras.ops.image.map_coordinates``).
Written in ``keras.ops``, so the same function runs in the Keras layer and in the TF1
graph.

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


def resample(images, y, x):
    """``images`` [batch, side, side, 1] read at source coordinates ``y``, ``x`` [batch,
    side, side] (pixels): bilinear, zero outside the image.

    The arithmetic of ``keras.ops.image.map_coordinates(order=1, fill_mode="constant")``
    (tested equal), written as four gathers from the flattened batch: Keras' version
    transposes int32 indices, which makes oneDNN print a warning line on CPUs without
    its int32 support, and it needs the batch size when the graph is built.
    """
    side = images.shape[1]
    y0, x0 = ops.floor(y), ops.floor(x)
    flat = ops.reshape(images, (-1,))
    base = (ops.arange(ops.shape(images)[0], dtype="int64") * side * side)[:, None, None]
    out = 0.0
    for dy, dx in ((0, 0), (0, 1), (1, 0), (1, 1)):
        yi, xi = y0 + dy, x0 + dx
        weight = (1 - ops.abs(y - yi)) * (1 - ops.abs(x - xi))
        inside = (yi >= 0) & (yi <= side - 1) & (xi >= 0) & (xi <= side - 1)
        index = base + ops.cast(ops.clip(yi, 0, side - 1) * side + ops.clip(xi, 0, side - 1),
                                "int64")
        out = out + ops.where(inside, weight * ops.take(flat, index), 0.0)
    return out[..., None]


def affine_sources(batch, side: int, rotation: float, zoom: float, shift: float, uniform):
    """Where each output pixel reads from under one random turn (up to ``rotation``
    degrees either way), zoom (scale 1 +- ``zoom``, > 1 zooms out) and shift (up to
    ``shift`` of the side, each axis) per image, about the image's centre: (y, x)
    [batch, side, side]. The same transform as the TF1 graphs' projective one.

    Args:
      uniform: draws uniform values in [-1, 1) of a given shape.
    """
    centre = (side - 1) / 2
    angle = uniform((batch, 1, 1)) * (rotation * math.pi / 180)
    scale = 1.0 + uniform((batch, 1, 1)) * zoom
    dy, dx = (uniform((batch, 1, 1)) * (shift * side) for _ in range(2))
    cos, sin = ops.cos(angle) * scale, ops.sin(angle) * scale
    grid = ops.arange(side, dtype="float32") - centre
    rows, cols = grid[None, :, None], grid[None, None, :]
    return (sin * cols + cos * rows + centre - dy, cos * cols - sin * rows + centre - dx)


def distort(images, rows, cols):
    """``images`` [batch, side, side, 1] resampled at each pixel moved by (rows, cols)."""
    grid = ops.cast(ops.arange(images.shape[1]), images.dtype)
    return resample(images, grid[None, :, None] + rows, grid[None, None, :] + cols)


def distorted(images, rotation: float, zoom: float, shift: float, rms: float,
              sigma: float, uniform, normal):
    """``images`` [batch, side, side, 1], each turned, zoomed and shifted at random and
    distorted elastically (``rms`` 0: not), in one resampling.

    Args:
      uniform: draws uniform values in [-1, 1) of a given shape (the affine part).
      normal: draws unit normal noise of a given shape; called twice, for the row field
        and then the column field, each draw independent of the other.
    """
    batch, side = ops.shape(images)[0], images.shape[1]
    y, x = affine_sources(batch, side, rotation, zoom, shift, uniform)
    if rms:
        noise = (batch, noise_side(side, sigma), noise_side(side, sigma), 1)
        y = y + smoothed(normal(noise), rms, sigma)
        x = x + smoothed(normal(noise), rms, sigma)
    full = (batch, side, side)
    return resample(images, ops.broadcast_to(y, full), ops.broadcast_to(x, full))


@keras.saving.register_keras_serializable(package="mnist_keras")
class Distortion(keras.layers.Layer):
    """A new random distortion of every image in training, in one resampling: a turn,
    zoom and shift, then an elastic field; the identity at inference.

    Args:
      rotation: turned by up to this many degrees either way.
      zoom: zoomed in or out by up to this fraction.
      shift: moved by up to this fraction of the side, each axis.
      elastic: root mean square of each elastic displacement (rows, columns), pixels;
        0 for none.
      sigma: the elastic field's smoothing Gaussian's standard deviation, pixels.
      seed: the seed of the layer's generator (None: from Keras' global seed).
    """

    def __init__(self, rotation: float = 0.0, zoom: float = 0.0, shift: float = 0.0,
                 elastic: float = 0.0, sigma: float = 4.0, seed: int | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        self.rotation, self.zoom, self.shift = rotation, zoom, shift
        self.elastic, self.sigma, self.seed = elastic, sigma, seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=False):
        if not training:
            return images
        # Each draw takes the next seed of the generator: every field its own.
        return distorted(
            images, self.rotation, self.zoom, self.shift, self.elastic, self.sigma,
            lambda shape: keras.random.uniform(shape, -1.0, 1.0, seed=self.seed_generator),
            lambda shape: keras.random.normal(shape, seed=self.seed_generator))

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rotation": self.rotation, "zoom": self.zoom,
                "shift": self.shift, "elastic": self.elastic, "sigma": self.sigma,
                "seed": self.seed}
