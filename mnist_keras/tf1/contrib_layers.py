"""TF1's ``tf.contrib.layers`` and ``arg_scope``, served on ``tf.compat.v1.layers``.

TF1-era programs (the Korean course's lab-10-7, say) build their nets with contrib's
layers: ``fully_connected(x, 512, normalizer_fn=batch_norm, normalizer_params={...})``
inside an ``arg_scope``. They left with ``tf.contrib``; their package, tf-slim, stopped
at 1.1.0 (2020), which fails on TensorFlow 2.21 (it reads ``ops.Tensor``, since
removed). Each function here keeps contrib's signature and defaults (``fully_connected``
and ``conv2d`` end in a ReLU unless told otherwise; a ``normalizer_fn`` replaces the
bias; ``dropout`` takes ``keep_prob`` and ``is_training``) and builds the layer with
``tf.compat.v1.layers`` (tf-keras: Keras 2's graph layers, the ones contrib's wrapped).
Initialisers are the upgrader's own conversions of contrib's.
"""

from __future__ import annotations

import contextlib
import functools

import tensorflow as tf

v1 = tf.compat.v1
_SCOPES: list[dict] = [{}]  # arg_scope's stack: {function: its default arguments}


def add_arg_scope(func):
    """Lets ``arg_scope`` give ``func`` default arguments (contrib's decorator)."""
    @functools.wraps(func)
    def scoped(*args, **kwargs):
        return func(*args, **{**_SCOPES[-1].get(scoped, {}), **kwargs})

    return scoped


@contextlib.contextmanager
def arg_scope(list_ops_or_scope, **kwargs):
    """Default arguments for the functions listed, within the block; yields the scope,
    which a later ``arg_scope(scope)`` re-enters (contrib's behaviour)."""
    if isinstance(list_ops_or_scope, dict):
        scope = list_ops_or_scope
    else:
        scope = dict(_SCOPES[-1])
        for op in list_ops_or_scope:
            scope[op] = {**scope.get(op, {}), **kwargs}
    _SCOPES.append(scope)
    try:
        yield scope
    finally:
        _SCOPES.pop()


def xavier_initializer(uniform=True, seed=None, dtype=tf.float32):
    """Glorot's initialiser, as the upgrader converts contrib's (fan_avg, scale 1)."""
    del dtype
    return v1.keras.initializers.VarianceScaling(
        1.0, "fan_avg", "uniform" if uniform else "truncated_normal", seed=seed)


xavier_initializer_conv2d = xavier_initializer


def variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False, seed=None,
                                 dtype=tf.float32):
    """contrib's He-style initialiser, as the upgrader converts it."""
    del dtype
    return v1.keras.initializers.VarianceScaling(
        factor, mode.lower(), "uniform" if uniform else "truncated_normal", seed=seed)


def l2_regularizer(scale, scope=None):
    """``scale * tf.nn.l2_loss(w)``: half the sum of squares, as contrib's."""
    del scope
    return lambda weights: scale * tf.nn.l2_loss(weights)


def l1_regularizer(scale, scope=None):
    del scope
    return lambda weights: scale * tf.reduce_sum(tf.abs(weights))


def _finish(outputs, normalizer_fn, normalizer_params, activation_fn):
    """contrib's tail of a layer: the normalizer (in place of the bias), then the
    activation."""
    if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    return activation_fn(outputs) if activation_fn is not None else outputs


@add_arg_scope
def fully_connected(inputs, num_outputs, activation_fn=tf.nn.relu, normalizer_fn=None,
                    normalizer_params=None, weights_initializer=None,
                    weights_regularizer=None, biases_initializer=v1.zeros_initializer(),
                    biases_regularizer=None, reuse=None, variables_collections=None,
                    outputs_collections=None, trainable=True, scope=None):
    """A dense layer; with a ``normalizer_fn``, no bias (the normalizer shifts)."""
    del variables_collections, outputs_collections
    use_bias = normalizer_fn is None and biases_initializer is not None
    with v1.variable_scope(scope, "fully_connected", [inputs], reuse=reuse):
        outputs = v1.layers.dense(
            inputs, num_outputs, use_bias=use_bias,
            kernel_initializer=weights_initializer or xavier_initializer(),
            bias_initializer=biases_initializer if use_bias else None,
            kernel_regularizer=weights_regularizer,
            bias_regularizer=biases_regularizer if use_bias else None, trainable=trainable)
        return _finish(outputs, normalizer_fn, normalizer_params, activation_fn)


@add_arg_scope
def conv2d(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None,
           rate=1, activation_fn=tf.nn.relu, normalizer_fn=None, normalizer_params=None,
           weights_initializer=None, weights_regularizer=None,
           biases_initializer=v1.zeros_initializer(), biases_regularizer=None, reuse=None,
           variables_collections=None, outputs_collections=None, trainable=True,
           scope=None):
    """A 2-D convolution, NHWC, ReLU by default."""
    del variables_collections, outputs_collections
    use_bias = normalizer_fn is None and biases_initializer is not None
    with v1.variable_scope(scope, "Conv", [inputs], reuse=reuse):
        outputs = v1.layers.conv2d(
            inputs, num_outputs, kernel_size, strides=stride, padding=padding,
            data_format="channels_first" if data_format == "NCHW" else "channels_last",
            dilation_rate=rate, use_bias=use_bias,
            kernel_initializer=weights_initializer or xavier_initializer(),
            bias_initializer=biases_initializer if use_bias else None,
            kernel_regularizer=weights_regularizer,
            bias_regularizer=biases_regularizer if use_bias else None, trainable=trainable)
        return _finish(outputs, normalizer_fn, normalizer_params, activation_fn)


@add_arg_scope
def max_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC",
               outputs_collections=None, scope=None):
    del outputs_collections
    return v1.layers.max_pooling2d(
        inputs, kernel_size, stride, padding=padding, name=scope,
        data_format="channels_first" if data_format == "NCHW" else "channels_last")


@add_arg_scope
def dropout(inputs, keep_prob=0.5, noise_shape=None, is_training=True,
            outputs_collections=None, scope=None, seed=None):
    """Dropout that keeps ``keep_prob`` of the units while ``is_training``."""
    del outputs_collections
    return v1.layers.dropout(inputs, rate=1 - keep_prob, noise_shape=noise_shape, seed=seed,
                             training=is_training, name=scope)


@add_arg_scope
def flatten(inputs, outputs_collections=None, scope=None):
    del outputs_collections
    return v1.layers.flatten(inputs, name=scope)


@add_arg_scope
def batch_norm(inputs, decay=0.999, center=True, scale=False, epsilon=0.001,
               activation_fn=None, param_initializers=None,
               updates_collections=v1.GraphKeys.UPDATE_OPS,
               is_training=True, reuse=None, variables_collections=None,
               outputs_collections=None, trainable=True, scope=None, **unused):
    """Batch normalization over the last axis, contrib's defaults (no scale).

    ``updates_collections=None`` updates the moving mean and variance as the layer runs
    (contrib's "in place"); otherwise the updates go to that collection, for the
    program to run with its train op (``tf.GraphKeys.UPDATE_OPS`` by default).
    """
    del variables_collections, outputs_collections, unused
    initializers = param_initializers or {}
    with v1.variable_scope(scope, "BatchNorm", [inputs], reuse=reuse):
        layer = v1.layers.BatchNormalization(
            momentum=decay, epsilon=epsilon, center=center, scale=scale,
            beta_initializer=initializers.get("beta", v1.zeros_initializer()),
            gamma_initializer=initializers.get("gamma", v1.ones_initializer()),
            trainable=trainable)
        outputs = layer.apply(inputs, training=is_training)
        updates = v1.get_collection_ref(v1.GraphKeys.UPDATE_OPS)
        for update in layer.updates:  # the layer filed them under UPDATE_OPS itself
            if update in updates:
                updates.remove(update)
        if updates_collections is None:
            with tf.control_dependencies(layer.updates):
                outputs = tf.identity(outputs)
        else:
            for update in layer.updates:
                v1.add_to_collections(updates_collections, update)
        return activation_fn(outputs) if activation_fn is not None else outputs


SERVED = {
    "layers": ("fully_connected", "conv2d", "max_pool2d", "dropout", "flatten", "batch_norm",
               "xavier_initializer", "xavier_initializer_conv2d",
               "variance_scaling_initializer", "l2_regularizer", "l1_regularizer"),
    "framework": ("arg_scope", "add_arg_scope"),
}
