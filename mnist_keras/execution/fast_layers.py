"""Keras' Dropout and Dense, computed another way for speed; the same layers otherwise.

Saved models never hold these classes: a run saves Keras' own layers with the same
weights (``execution.settings.portable``). They are registered with Keras anyway, so a
model built with them can be saved and loaded where this package is imported.
"""

from __future__ import annotations

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="mnist_keras")
class ThreeFryDropout(keras.layers.Dropout):
    """``keras.layers.Dropout`` whose masks come from ThreeFry instead of Philox.

    The same layer: each unit kept with probability ``1 - rate`` and scaled by
    ``1 / (1 - rate)``; only the generator of the random stream differs. XLA's CPU
    backend generates Philox slowly: 1.54 s of masks per stage-8 epoch, ThreeFry 0.14 s
    (``benchmarks/speed.py --dropout``). ThreeFry has no CPU kernel outside XLA, so only
    models compiled with ``jit_compile=True`` use this layer.

    Args:
      rate: fraction of units dropped in training (= 1 - the texts' ``keep_prob``).
    """

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return super().call(inputs, training=training)
        # Stateless ops take an int32 seed pair; Keras' seed state is int64.
        seed = tf.cast(tf.math.floormod(self.seed_generator.next(), tf.int32.max - 1),
                       tf.int32)
        return tf.nn.experimental.stateless_dropout(
            inputs, self.rate, seed=seed, rng_alg="threefry", noise_shape=self.noise_shape)


def input_gradient(dy, kernel):
    """``dy @ kernel^T``, taken as ``(kernel @ dy^T)^T``.

    The same products and sums (bit for bit on the Intel Xeon of ``results/``; oneDNN
    may round them otherwise elsewhere, within 1e-7 relative on an AMD EPYC), but TF's
    oneDNN matmul takes a large transposed right operand slowly: for the experts'
    CNN's 3136x1024 kernel at batch 50, 3.1 ms against 2.4 ms with the small
    [batch, units] gradient transposed instead (``benchmarks/speed.py --kernels``); the
    whole step, 3% (``--paired``).
    """
    return tf.transpose(tf.matmul(kernel, dy, transpose_b=True))


@tf.custom_gradient
def _matmul(x, kernel):
    """``x @ kernel`` whose input gradient is :func:`input_gradient`."""
    def grad(dy):
        return input_gradient(dy, kernel), tf.matmul(x, dy, transpose_a=True)

    return tf.matmul(x, kernel), grad


@keras.saving.register_keras_serializable(package="mnist_keras")
class TransposedGradientDense(keras.layers.Dense):
    """``keras.layers.Dense`` that takes its input gradient as ``(W dy^T)^T``.

    The same layer, weights, outputs and weight gradients as Keras'
    (``tests/test_execution.py``); only the input gradient's operand order differs (see
    ``input_gradient``), which TF's CPU kernels run faster for a wide kernel. 2-D inputs only; anything else (and LoRA) takes
    Keras' own path.
    """

    def call(self, inputs, training=None):
        if len(inputs.shape) != 2 or self.lora_enabled:
            return super().call(inputs, training=training)
        # The kernel's value, read here: a variable read inside a custom gradient's
        # function would need the gradient to take it, eagerly.
        x = _matmul(inputs, tf.convert_to_tensor(self.kernel))
        if self.bias is not None:
            x = keras.ops.add(x, self.bias)  # Keras' own: a BiasAdd, as in its Dense
        return x if self.activation is None else self.activation(x)
