"""The tutorial's names for initialisers, activations, optimizers and losses, in Keras
and in TF1.

Hyperparameters name initialisers, activations and optimizers as strings so that one
frozen dataclass can build both a Keras model and a ``tf.compat.v1`` graph. Each name is
translated here, the Keras way next to the TF1 way, so a learner can read them side by side.

Initialiser specs are ``name`` or ``name:value``:

=====================  ====================================  ===========================
spec                   Keras 3                               TF1 (the tutorials)
=====================  ====================================  ===========================
``normal:1.0``         ``RandomNormal(0, 1.0)``              ``tf.random_normal(shape)``
``truncated_normal:s`` ``TruncatedNormal(0, s)``             ``tf.truncated_normal(.., stddev=s)``
``constant:c``         ``Constant(c)``                       ``tf.constant(c, shape=..)``
``zeros``              ``Zeros()``                           ``tf.zeros(shape)``
``glorot_uniform``     ``GlorotUniform()``                   ``xavier_initializer()``
``he_normal``          ``HeNormal()``                        ``tf.keras.initializers.he_normal()``
=====================  ====================================  ===========================
"""

from __future__ import annotations

import keras
import tensorflow as tf

from mnist_keras.nets.hparams import Training, total_steps

v1 = tf.compat.v1  # the tutorials' tf.* of TF1


def _parse(spec: str) -> tuple[str, float | None]:
    name, _, value = spec.partition(":")
    return name, (float(value) if value else None)


def keras_initializer(spec: str) -> keras.initializers.Initializer:
    """The Keras initializer for an initialiser spec (see the module table)."""
    name, value = _parse(spec)
    makers = {
        "normal": lambda: keras.initializers.RandomNormal(0.0, value),
        "truncated_normal": lambda: keras.initializers.TruncatedNormal(0.0, value),
        "constant": lambda: keras.initializers.Constant(value),
        "zeros": keras.initializers.Zeros,
        "glorot_uniform": keras.initializers.GlorotUniform,
        "he_normal": keras.initializers.HeNormal,
    }
    return _lookup(makers, name, "initializer")()


def v1_initializer(spec: str):
    """The ``tf.compat.v1`` initializer for an initialiser spec (see the module table)."""
    name, value = _parse(spec)
    makers = {
        "normal": lambda: v1.random_normal_initializer(0.0, value),
        "truncated_normal": lambda: v1.truncated_normal_initializer(0.0, value),
        "constant": lambda: v1.constant_initializer(value),
        "zeros": v1.zeros_initializer,
        "glorot_uniform": v1.glorot_uniform_initializer,
        # he_normal = variance scaling 2/fan_in, truncated normal, as Keras' HeNormal.
        "he_normal": lambda: v1.variance_scaling_initializer(2.0, "fan_in", "truncated_normal"),
    }
    return _lookup(makers, name, "initializer")()


V1_ACTIVATIONS = {"relu": tf.nn.relu, "sigmoid": tf.sigmoid, "softmax": tf.nn.softmax}


def v1_activation(name: str):
    """The TF op for a Keras activation name."""
    return _lookup(V1_ACTIVATIONS, name, "activation")


def keras_learning_rate(hp: Training):
    """``hp.learning_rate``, or Keras' cosine schedule over the stage's steps."""
    makers = {
        "constant": lambda: hp.learning_rate,
        "cosine": lambda: keras.optimizers.schedules.CosineDecay(
            hp.learning_rate, total_steps(hp), alpha=hp.lr_final),
    }
    return _lookup(makers, hp.lr_schedule, "lr_schedule")()


def v1_learning_rate(hp: Training, global_step: tf.Tensor):
    """The same rate in TF1: ``tf.train.cosine_decay`` reads the graph's global step."""
    makers = {
        "constant": lambda: hp.learning_rate,
        "cosine": lambda: v1.train.cosine_decay(hp.learning_rate, global_step,
                                                total_steps(hp), alpha=hp.lr_final),
    }
    return _lookup(makers, hp.lr_schedule, "lr_schedule")()


def keras_optimizer(hp: Training, adam: type = keras.optimizers.Adam,
                    ema_momentum: float = 0.0) -> keras.optimizers.Optimizer:
    """The Keras optimizer of ``hp``; ``adam`` is the class for ``"adam"`` (an execution
    may ask for the same Adam as TF's fused kernel). A non-zero ``ema_momentum`` keeps
    Keras' average of the weights (``use_ema``), swapped in only when asked."""
    rate = keras_learning_rate(hp)
    average = dict(use_ema=True, ema_momentum=ema_momentum) if ema_momentum else {}
    makers = {
        "sgd": lambda: keras.optimizers.SGD(rate, **average),
        "adam": lambda: adam(rate, epsilon=hp.adam_epsilon, **average),
    }
    return _lookup(makers, hp.optimizer, "optimizer")()


def v1_optimizer(hp: Training, global_step: tf.Tensor):
    """The ``tf.compat.v1.train`` optimizer of ``hp``."""
    rate = v1_learning_rate(hp, global_step)
    makers = {
        "sgd": lambda: v1.train.GradientDescentOptimizer(rate),
        "adam": lambda: v1.train.AdamOptimizer(rate, epsilon=hp.adam_epsilon),
    }
    return _lookup(makers, hp.optimizer, "optimizer")()


def keras_loss(hp: Training) -> keras.losses.Loss:
    """Softmax cross-entropy on logits with sparse labels, mean or sum over the batch."""
    reduction = {"mean": "sum_over_batch_size", "sum": "sum"}
    return keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction=_lookup(reduction, hp.loss_reduction, "loss_reduction"))


def v1_loss(hp: Training, labels: tf.Tensor, logits: tf.Tensor) -> tf.Tensor:
    """The texts' ``reduce_mean(softmax_cross_entropy_with_logits_v2(...))`` (or sum)."""
    reduce = {"mean": tf.reduce_mean, "sum": tf.reduce_sum}
    per_example = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    return _lookup(reduce, hp.loss_reduction, "loss_reduction")(per_example)


def _lookup(table: dict, key: str, what: str):
    try:
        return table[key]
    except KeyError:
        raise ValueError(f"unknown {what} {key!r}; valid: {', '.join(table)}") from None
