"""A plain stack of small convolutions with batch normalization: the net of stage 14 on.

The net of Chris Deotte's MNIST recipe ("How to choose CNN architecture MNIST"):
32C3-32C3-32C5S2, dropout, 64C3-64C3-64C5S2, dropout, 128C4, dropout, dense 10, where
``32C5S2`` is 32 filters of 5x5 at stride 2. A stride-1 convolution pads nothing
("VALID"), a strided one pads as "SAME", so 28x28 pixels become 26, 24, 12, 10, 8, 4
and 1. Each convolution's output is batch-normalized before its ReLU, as in stages
10-13. About 0.33M weights and 30 MFLOP forward per image, against the experts' net's
3.3M and 28 MFLOP: no 3136x1024 dense layer. It is executed as the experts' CNN is
(family ``cnn``: TF's oneDNN kernels and fused Adam, measured on that net and its
batch-normalized rungs, where XLA was 1.45-1.7x slower; ``docs/speed.md``).
"""

from __future__ import annotations

import dataclasses
import re

import keras
import tensorflow as tf

from mnist_keras.data.mnist import IMAGE_SIDE, IMAGE_SIZE, NUM_CLASSES
from mnist_keras.execution import build, settings
from mnist_keras.nets import cnn, compiled, distortion, translate
from mnist_keras.nets.hparams import Training, WeightAverage

FAMILY = "cnn"  # how it runs fast: as the experts' CNN (execution.settings)
DROPOUT = "D"
_CONV = re.compile(r"(\d+)C(\d+)(?:S(\d+))?")


@dataclasses.dataclass(frozen=True)
class HParams(WeightAverage, Training):
    """The layers in Deotte's notation, then how the training images are augmented.

    Attributes:
      layers: ``"<filters>C<kernel>"`` or ``"<filters>C<kernel>S<stride>"`` for a
        convolution (batch-normalized, then ReLU), ``"D"`` for a dropout; the logits
        layer (dense 10 on the flattened maps) follows the last.
      dropout: the rate of every ``"D"``.
      kernel_init: initialiser spec for every weight (Keras' default, as in the recipe).
      bias_init: initialiser spec for every bias.
      rotation: training images turned by up to this many degrees either way.
      zoom: training images zoomed in or out by up to this fraction.
      shift: training images moved by up to this fraction of their side, each axis.
      one_pass: turn, zoom and shift in one resampling (``nets.distortion``), not in
        Keras' three layers that resample once each.
      elastic: training images also distorted elastically (``nets.distortion``), each
        displacement this many pixels root mean square; 0 for none.
      elastic_sigma: the elastic field's smoothness: its Gaussian's sigma, pixels.
    """

    layers: tuple[str, ...] = ("32C3", "32C3", "32C5S2", DROPOUT,
                               "64C3", "64C3", "64C5S2", DROPOUT,
                               "128C4", DROPOUT)
    dropout: float = 0.4
    kernel_init: str = "glorot_uniform"
    bias_init: str = "zeros"
    rotation: float = 0.0
    zoom: float = 0.0
    shift: float = 0.0
    one_pass: bool = False
    elastic: float = 0.0
    elastic_sigma: float = 4.0


def augmentation(hp: HParams) -> list:
    """The training images' distortion layers: Keras' turn, zoom and shift (stage 11's),
    or one :class:`~mnist_keras.nets.distortion.Distortion` doing them in one pass; the
    elastic distortion with it, or after Keras' layers."""
    if hp.one_pass:
        return [distortion.Distortion(hp.rotation, hp.zoom, hp.shift, hp.elastic,
                                      hp.elastic_sigma)]
    if hp.elastic:
        return [*cnn.augmentation(hp), distortion.Distortion(elastic=hp.elastic,
                                                             sigma=hp.elastic_sigma)]
    return cnn.augmentation(hp)


def portable_hparams(hp: HParams) -> HParams:
    """``hp`` as a run's ``model.keras`` is built: Keras' own augmentation layers only
    (the distortion layer of this project's is the identity at inference, as they are),
    so that Keras alone loads the file (``training.model_file``)."""
    return dataclasses.replace(hp, one_pass=False, elastic=0.0)


def conv_spec(spec: str) -> tuple[int, int, int]:
    """(filters, kernel side, stride) of a ``"32C5S2"``-style spec.

    Raises:
      ValueError: a spec that is neither a convolution nor ``"D"``.
    """
    match = _CONV.fullmatch(spec)
    if not match:
        raise ValueError(f"unknown layer {spec!r}; valid: <filters>C<kernel>[S<stride>] "
                         f"or {DROPOUT!r}")
    filters, kernel, stride = match.groups()
    return int(filters), int(kernel), int(stride or 1)


def _padding(stride: int) -> str:
    return "same" if stride > 1 else "valid"


def build_model(hp: HParams, execution: settings.Execution | None = None
                ) -> keras.Sequential:
    """The Keras model of ``hp``, compiled: input [None, 784] pixels, output logits.

    Args:
      execution: how it runs (default: the enclosing ``execution.settings.scope``'s, else
        plain Keras with its own compile defaults).
    """
    execution = execution or settings.current()
    inits = dict(kernel_initializer=translate.keras_initializer(hp.kernel_init),
                 bias_initializer=translate.keras_initializer(hp.bias_init))
    layers = [keras.Input((IMAGE_SIZE,), name="pixels"),
              keras.layers.Reshape((IMAGE_SIDE, IMAGE_SIDE, 1)), *augmentation(hp)]
    for spec in hp.layers:
        if spec == DROPOUT:
            layers.append(build.dropout(hp.dropout, execution))
            continue
        filters, kernel, stride = conv_spec(spec)
        layers += cnn.batch_normalized(keras.layers.Conv2D(
            filters, kernel, strides=stride, padding=_padding(stride), **inits))
    layers += [keras.layers.Flatten(), keras.layers.Dense(NUM_CLASSES, name="logits", **inits)]
    return compiled.sequential(layers, "conv_stack", hp, execution, hp.ema_momentum)


def v1_needs_training_flag(hp: HParams) -> bool:
    """Always: batch normalization behaves otherwise in training."""
    return True


def v1_augment(hp: HParams, images: tf.Tensor, training: tf.Tensor) -> tf.Tensor:
    """The augmentation as ``augmentation`` builds it, in training only."""
    if hp.one_pass:
        affine = (hp.rotation, hp.zoom, hp.shift)
    else:  # Keras' three layers first; the elastic distortion alone after them
        images = cnn.v1_augment(hp, images, training)
        if not hp.elastic:
            return images
        affine = (0.0, 0.0, 0.0)
    return tf.cond(training, lambda: distortion.distorted(
        images, *affine, hp.elastic, hp.elastic_sigma,
        lambda shape: tf.random.uniform(shape, -1.0, 1.0), tf.random.normal),
        lambda: images)


def v1_logits(hp: HParams, x: tf.Tensor, keep_prob: tf.Tensor,
              training: tf.Tensor | None = None) -> tf.Tensor:
    """The TF1 graph on placeholder ``x`` [None, 784]; call inside a tf.Graph.

    Variables are created in the Keras model's weight order (kernel, bias, then the
    batch normalization's gamma, beta, moving mean, moving variance), for ``set_weights``.
    """
    h = v1_augment(hp, tf.reshape(x, [-1, IMAGE_SIDE, IMAGE_SIDE, 1]), training)
    channels, i = 1, 0
    for spec in hp.layers:
        if spec == DROPOUT:
            h = tf.nn.dropout(h, rate=1.0 - keep_prob)
            continue
        filters, kernel, stride = conv_spec(spec)
        i += 1
        w = cnn.v1_variable(f"W_conv{i}", [kernel, kernel, channels, filters], hp.kernel_init)
        b = cnn.v1_variable(f"b_conv{i}", [filters], hp.bias_init)
        h = tf.nn.conv2d(h, w, strides=[1, stride, stride, 1],
                         padding=_padding(stride).upper()) + b
        h = tf.nn.relu(cnn.v1_batch_norm(f"bn_conv{i}", h, training))
        channels = filters
    flat = h.shape[1] * h.shape[2] * h.shape[3]
    h = tf.reshape(h, [-1, flat])
    w = cnn.v1_variable("W_logits", [flat, NUM_CLASSES], hp.kernel_init)
    return tf.matmul(h, w) + cnn.v1_variable("b_logits", [NUM_CLASSES], hp.bias_init)
