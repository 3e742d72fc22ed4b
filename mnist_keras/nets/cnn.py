"""Convolutional nets: the experts' CNN (text 003, stage 9) and the rungs after it.

The experts' net is conv 5x5x32 relu - max-pool 2x2 - conv 5x5x64 relu - max-pool 2x2 -
dense 1024 relu - dropout - dense 10, "SAME" padding, stride 1. The rungs after it
(``stages/stage10.py`` on) each turn on one more of: batch normalization, random
shifts, rotations and zooms of the training images, a cosine learning-rate schedule
(``nets.hparams``), more convolutions per block. Both builders take the flat [None, 784]
pixels and reshape to [None, 28, 28, 1] first, as the text's ``x_image`` does.
"""

from __future__ import annotations

import dataclasses
import math

import keras
import tensorflow as tf

from mnist_keras.data.mnist import IMAGE_SIDE, IMAGE_SIZE, NUM_CLASSES
from mnist_keras.execution import build, settings
from mnist_keras.nets import compiled, translate
from mnist_keras.nets.hparams import Training

FAMILY = "cnn"
BN_MOMENTUM = 0.99  # Keras' BatchNormalization defaults, in both APIs
BN_EPSILON = 1e-3


@dataclasses.dataclass(frozen=True)
class HParams(Training):
    """A net of convolution blocks, each ending in a 2x2 max-pool, then a dense layer.

    Attributes:
      filters: output channels of each block's convolutions.
      convs_per_block: convolutions in each block (the experts': one).
      kernel_size: side of each square conv kernel, pixels.
      dense: width of the fully connected layer.
      dropout: rate before the readout layer (= 1 - keep_prob).
      kernel_init: initialiser spec for every weight.
      bias_init: initialiser spec for every bias.
      batch_norm: normalize every convolution's and the dense layer's output over the
        batch (moving averages at test time), before its ReLU.
      rotation: training images turned by up to this many degrees either way.
      zoom: training images zoomed in or out by up to this fraction.
      shift: training images moved by up to this fraction of their side, each axis.
    """

    filters: tuple[int, ...] = (32, 64)
    convs_per_block: int = 1
    kernel_size: int = 5
    dense: int = 1024
    dropout: float = 0.5
    kernel_init: str = "truncated_normal:0.1"
    bias_init: str = "constant:0.1"
    batch_norm: bool = False
    rotation: float = 0.0
    zoom: float = 0.0
    shift: float = 0.0


def augmentation(hp: HParams) -> list:
    """Keras' preprocessing layers for ``hp``'s augmentation; identity at inference."""
    fill = dict(fill_mode="constant", fill_value=0.0)  # MNIST's background is 0
    layers = []
    if hp.rotation:
        layers.append(keras.layers.RandomRotation(hp.rotation / 360.0, **fill))
    if hp.zoom:
        layers.append(keras.layers.RandomZoom(hp.zoom, **fill))
    if hp.shift:
        layers.append(keras.layers.RandomTranslation(hp.shift, hp.shift, **fill))
    return layers


def batch_normalized(layer) -> list:
    """``layer`` (no activation of its own), a batch normalization, then the ReLU."""
    return [layer, keras.layers.BatchNormalization(momentum=BN_MOMENTUM, epsilon=BN_EPSILON),
            keras.layers.Activation("relu")]


def _activated(layer, hp: HParams) -> list:
    """``layer`` with its ReLU, a batch normalization between them where asked."""
    return batch_normalized(layer) if hp.batch_norm else [layer]


def build_model(hp: HParams, execution: settings.Execution | None = None
                ) -> keras.Sequential:
    """The Keras model of ``hp``, compiled: input [None, 784] pixels, output logits.

    Args:
      execution: how it runs (default: the enclosing ``execution.settings.scope``'s, else
        plain Keras with its own compile defaults).
    """
    execution = execution or settings.current()
    act = None if hp.batch_norm else "relu"
    inits = dict(kernel_initializer=translate.keras_initializer(hp.kernel_init),
                 bias_initializer=translate.keras_initializer(hp.bias_init))
    layers = [keras.Input((IMAGE_SIZE,), name="pixels"),
              keras.layers.Reshape((IMAGE_SIDE, IMAGE_SIDE, 1)), *augmentation(hp)]
    for filters in hp.filters:
        for _ in range(hp.convs_per_block):
            layers += _activated(keras.layers.Conv2D(
                filters, hp.kernel_size, padding="same", activation=act, **inits), hp)
        layers.append(keras.layers.MaxPooling2D(2, padding="same"))
    layers += [keras.layers.Flatten(),
               *_activated(build.wide_dense(hp.dense, execution, activation=act, **inits), hp),
               build.dropout(hp.dropout, execution),
               keras.layers.Dense(NUM_CLASSES, name="logits", **inits)]
    return compiled.sequential(layers, "cnn", hp, execution)


def v1_batch_norm(name: str, h: tf.Tensor, training: tf.Tensor) -> tf.Tensor:
    """Batch normalization as raw ops; in training, the moving averages move in the graph."""
    v1, shape = translate.v1, [h.shape[-1]]
    gamma = v1.get_variable(f"{name}/gamma", shape, initializer=v1.ones_initializer())
    beta = v1.get_variable(f"{name}/beta", shape, initializer=v1.zeros_initializer())
    moving_mean = v1.get_variable(f"{name}/moving_mean", shape, trainable=False,
                                  initializer=v1.zeros_initializer())
    moving_var = v1.get_variable(f"{name}/moving_variance", shape, trainable=False,
                                 initializer=v1.ones_initializer())

    def batch_statistics():
        mean, var = tf.nn.moments(h, axes=list(range(len(h.shape) - 1)))
        updates = [moving_mean.assign(moving_mean * BN_MOMENTUM + mean * (1 - BN_MOMENTUM)),
                   moving_var.assign(moving_var * BN_MOMENTUM + var * (1 - BN_MOMENTUM))]
        with tf.control_dependencies(updates):
            return tf.identity(mean), tf.identity(var)

    mean, var = tf.cond(training, batch_statistics,
                        lambda: (tf.identity(moving_mean), tf.identity(moving_var)))
    return tf.nn.batch_normalization(h, mean, var, beta, gamma, BN_EPSILON)


def v1_augment(hp: HParams, images: tf.Tensor, training: tf.Tensor) -> tf.Tensor:
    """One random turn, zoom and shift per training image: TF's projective transform."""
    if not (hp.rotation or hp.zoom or hp.shift):
        return images

    def transformed():
        n, c = tf.shape(images)[0], (IMAGE_SIDE - 1) / 2  # about the image's centre
        uniform = lambda: tf.random.uniform([n], -1.0, 1.0)  # noqa: E731
        angle = uniform() * hp.rotation * math.pi / 180
        scale = 1.0 + uniform() * hp.zoom  # output -> input: > 1 zooms out
        dy, dx = uniform() * hp.shift * IMAGE_SIDE, uniform() * hp.shift * IMAGE_SIDE
        cos, sin = tf.cos(angle) * scale, tf.sin(angle) * scale
        transforms = tf.stack([cos, -sin, c - cos * c + sin * c - dx,
                               sin, cos, c - sin * c - cos * c - dy,
                               tf.zeros([n]), tf.zeros([n])], axis=1)
        return tf.raw_ops.ImageProjectiveTransformV3(
            images=images, transforms=transforms, output_shape=[IMAGE_SIDE, IMAGE_SIDE],
            fill_value=0.0, interpolation="BILINEAR", fill_mode="CONSTANT")

    return tf.cond(training, transformed, lambda: images)


def v1_variable(name: str, shape: list, spec: str) -> tf.Variable:
    """A graph variable initialised by an initialiser spec (``nets.translate``)."""
    return translate.v1.get_variable(name, shape, initializer=translate.v1_initializer(spec))


def v1_needs_training_flag(hp: HParams) -> bool:
    """Whether the graph behaves otherwise in training (batch norm, augmentation).

    Only then does the graph get a ``training`` placeholder: an op more before the
    dropout ops would change the dropout seeds TF1 derives from the graph's seed.
    """
    return hp.batch_norm or bool(hp.rotation or hp.zoom or hp.shift)


def v1_logits(hp: HParams, x: tf.Tensor, keep_prob: tf.Tensor,
              training: tf.Tensor | None = None) -> tf.Tensor:
    """The TF1 graph on placeholder ``x`` [None, 784]; call inside a tf.Graph.

    Variables are created in the Keras model's weight order (kernel, bias, then a batch
    normalization's gamma, beta, moving mean, moving variance), for ``set_weights``.
    """
    def layer(h, name, b):  # affine, then batch norm where asked, then ReLU
        h = h + b
        return tf.nn.relu(v1_batch_norm(name, h, training) if hp.batch_norm else h)

    h = v1_augment(hp, tf.reshape(x, [-1, IMAGE_SIDE, IMAGE_SIDE, 1]), training)
    channels, i = 1, 0
    for filters in hp.filters:
        for _ in range(hp.convs_per_block):
            i += 1
            w = v1_variable(f"W_conv{i}", [hp.kernel_size, hp.kernel_size, channels, filters],
                         hp.kernel_init)
            b = v1_variable(f"b_conv{i}", [filters], hp.bias_init)
            h = layer(tf.nn.conv2d(h, w, strides=[1, 1, 1, 1], padding="SAME"),
                      f"bn_conv{i}", b)
            channels = filters
        h = tf.nn.max_pool2d(h, ksize=2, strides=2, padding="SAME")
    flat = h.shape[1] * h.shape[2] * h.shape[3]
    h = tf.reshape(h, [-1, flat])
    w = v1_variable("W_fc1", [flat, hp.dense], hp.kernel_init)
    h = layer(tf.matmul(h, w), "bn_fc1", v1_variable("b_fc1", [hp.dense], hp.bias_init))
    h = tf.nn.dropout(h, rate=1.0 - keep_prob)
    w = v1_variable("W_fc2", [hp.dense, NUM_CLASSES], hp.kernel_init)
    return tf.matmul(h, w) + v1_variable("b_fc2", [NUM_CLASSES], hp.bias_init)

