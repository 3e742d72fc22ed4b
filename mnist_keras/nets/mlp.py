"""Fully connected nets (stages 0-8 and the texts' DNNs): one spec, two builders.

``build_model`` is the Keras 3 way, ``v1_logits`` the TF1 way the texts wrote it
(``W1 = tf.get_variable(...)``, ``L1 = tf.nn.relu(tf.matmul(X, W1) + b1)``). Both read the
same :class:`HParams`, create their weights in the same order (W1, b1, W2, b2, ...) and
return logits; the softmax lives in the loss, as in the texts' TF1 code.
"""

from __future__ import annotations

import dataclasses

import keras
import tensorflow as tf

from mnist_keras.data.mnist import IMAGE_SIZE, NUM_CLASSES
from mnist_keras.execution import build, settings
from mnist_keras.nets import compiled, translate
from mnist_keras.nets.hparams import Training

FAMILY = "mlp"


@dataclasses.dataclass(frozen=True)
class HParams(Training):
    """A fully connected net: 784 - hidden... - 10.

    Attributes:
      hidden: widths of the hidden layers; () is softmax regression.
      activation: hidden activation (a Keras name: relu, sigmoid, softmax).
      kernel_init: initialiser spec for the weights (see ``translate``).
      bias_init: initialiser spec for the biases.
      dropout: rate after each hidden layer, = 1 - the texts' ``keep_prob``; 0 for none.
    """

    hidden: tuple[int, ...] = ()
    activation: str = "relu"
    kernel_init: str = "normal:1.0"
    bias_init: str = "normal:1.0"
    dropout: float = 0.0


def search_hidden(hp, base: HParams) -> tuple[int, ...]:
    """Equal-width hidden layers for keras-tuner: width and depth, defaulting to ``base``'s.

    Args:
      hp: a ``keras_tuner.HyperParameters``.
      base: the stage's own hyperparameters (the defaults).
    """
    width = hp.Choice("width", [128, 256, 512, 1024], default=base.hidden[0])
    depth = hp.Int("depth", 1, 5, default=len(base.hidden))
    return (width,) * depth


def _dense(width: int, hp: HParams, **kwargs) -> keras.layers.Dense:
    return keras.layers.Dense(width, kernel_initializer=translate.keras_initializer(
        hp.kernel_init), bias_initializer=translate.keras_initializer(hp.bias_init), **kwargs)


def build_model(hp: HParams, execution: settings.Execution | None = None
                ) -> keras.Sequential:
    """The Keras model of ``hp``, compiled: input [None, 784] pixels, output logits.

    Args:
      execution: how it runs (default: the enclosing ``execution.settings.scope``'s, else
        plain Keras with its own compile defaults).
    """
    execution = execution or settings.current()
    layers = [keras.Input((IMAGE_SIZE,), name="pixels")]
    for width in hp.hidden:
        layers.append(_dense(width, hp, activation=hp.activation))
        if hp.dropout:
            layers.append(build.dropout(hp.dropout, execution))
    layers.append(_dense(NUM_CLASSES, hp, name="logits"))
    return compiled.sequential(layers, "mlp", hp, execution)


def v1_needs_training_flag(hp: HParams) -> bool:
    """A dense net behaves alike in training but for dropout (``keep_prob``)."""
    return False


def v1_logits(hp: HParams, x: tf.Tensor, keep_prob: tf.Tensor,
              training: tf.Tensor | None = None) -> tf.Tensor:
    """The TF1 graph of ``hp`` on placeholder ``x`` [None, 784]; call inside a tf.Graph."""
    act = translate.v1_activation(hp.activation)
    widths = (IMAGE_SIZE, *hp.hidden, NUM_CLASSES)
    h = x
    for i, (fan_in, width) in enumerate(zip(widths, widths[1:]), start=1):
        w = translate.v1.get_variable(f"W{i}", [fan_in, width],
                                      initializer=translate.v1_initializer(hp.kernel_init))
        b = translate.v1.get_variable(f"b{i}", [width],
                                      initializer=translate.v1_initializer(hp.bias_init))
        h = tf.matmul(h, w) + b
        if i < len(widths) - 1:  # hidden layer
            h = act(h)
            if hp.dropout:
                h = tf.nn.dropout(h, rate=1.0 - keep_prob)
    return h
