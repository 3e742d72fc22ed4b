"""The experts' convolutional net (text 003, stage 9): one spec, two builders.

conv 5x5x32 relu - max-pool 2x2 - conv 5x5x64 relu - max-pool 2x2 - dense 1024 relu -
dropout - dense 10, "SAME" padding, stride 1. Both builders take the flat [None, 784]
pixels and reshape to [None, 28, 28, 1] first, as the text's ``x_image`` does, so every
stage has the same input.
"""

from __future__ import annotations

import dataclasses

import keras
import tensorflow as tf

from mnist_keras.data.mnist import IMAGE_SIDE, IMAGE_SIZE, NUM_CLASSES
from mnist_keras.execution import build, settings
from mnist_keras.nets import compiled, translate
from mnist_keras.nets.hparams import Training

FAMILY = "cnn"


@dataclasses.dataclass(frozen=True)
class HParams(Training):
    """A two-conv-layer net.

    Attributes:
      filters: output channels of each conv layer.
      kernel_size: side of each square conv kernel, pixels.
      dense: width of the fully connected layer.
      dropout: rate before the readout layer (= 1 - keep_prob).
      kernel_init: initialiser spec for every weight.
      bias_init: initialiser spec for every bias.
    """

    filters: tuple[int, ...] = (32, 64)
    kernel_size: int = 5
    dense: int = 1024
    dropout: float = 0.5
    kernel_init: str = "truncated_normal:0.1"
    bias_init: str = "constant:0.1"


def build_model(hp: HParams, execution: settings.Execution | None = None
                ) -> keras.Sequential:
    """The Keras model of ``hp``, compiled: input [None, 784] pixels, output logits.

    Args:
      execution: how it runs (default: the enclosing ``execution.settings.scope``'s, else
        the family's).
    """
    execution = execution or settings.current(FAMILY)
    inits = dict(kernel_initializer=translate.keras_initializer(hp.kernel_init),
                 bias_initializer=translate.keras_initializer(hp.bias_init))
    layers = [keras.Input((IMAGE_SIZE,), name="pixels"),
              keras.layers.Reshape((IMAGE_SIDE, IMAGE_SIDE, 1))]
    for filters in hp.filters:
        layers += [keras.layers.Conv2D(filters, hp.kernel_size, padding="same",
                                       activation="relu", **inits),
                   keras.layers.MaxPooling2D(2, padding="same")]
    layers += [keras.layers.Flatten(),
               build.wide_dense(hp.dense, execution, activation="relu", **inits),
               build.dropout(hp.dropout, execution),
               keras.layers.Dense(NUM_CLASSES, name="logits", **inits)]
    return compiled.sequential(layers, "cnn", hp, execution)


def v1_logits(hp: HParams, x: tf.Tensor, keep_prob: tf.Tensor) -> tf.Tensor:
    """The text's TF1 graph on placeholder ``x`` [None, 784]; call inside a tf.Graph."""
    def variable(name, shape, spec):
        return translate.v1.get_variable(name, shape,
                                         initializer=translate.v1_initializer(spec))

    h = tf.reshape(x, [-1, IMAGE_SIDE, IMAGE_SIDE, 1])
    channels = 1
    for i, filters in enumerate(hp.filters, start=1):
        w = variable(f"W_conv{i}", [hp.kernel_size, hp.kernel_size, channels, filters],
                     hp.kernel_init)
        b = variable(f"b_conv{i}", [filters], hp.bias_init)
        h = tf.nn.relu(tf.nn.conv2d(h, w, strides=[1, 1, 1, 1], padding="SAME") + b)
        h = tf.nn.max_pool2d(h, ksize=2, strides=2, padding="SAME")
        channels = filters
    flat = h.shape[1] * h.shape[2] * h.shape[3]
    h = tf.reshape(h, [-1, flat])
    w = variable("W_fc1", [flat, hp.dense], hp.kernel_init)
    h = tf.nn.relu(tf.matmul(h, w) + variable("b_fc1", [hp.dense], hp.bias_init))
    h = tf.nn.dropout(h, rate=1.0 - keep_prob)
    w = variable("W_fc2", [hp.dense, NUM_CLASSES], hp.kernel_init)
    return tf.matmul(h, w) + variable("b_fc2", [NUM_CLASSES], hp.bias_init)
