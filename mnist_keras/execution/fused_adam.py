"""Adam as TF's one fused kernel per variable, for models that XLA does not compile."""

from __future__ import annotations

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="mnist_keras")
class FusedAdam(keras.optimizers.Adam):
    """``keras.optimizers.Adam`` whose update of each variable is one TF kernel.

    The same formula as Keras' Adam (and TF1's ``AdamOptimizer``, which runs this very
    kernel, ``ResourceApplyAdam``): m and v move towards g and g^2, then
    ``var -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)``. Keras writes it as
    about ten separate ops per variable, each a pass over memory and a trip through the
    executor; outside XLA, which fuses them itself, that costs the experts' CNN ~4 ms of a
    ~25 ms step on 2 CPU cores (``benchmarks/speed.py --levers``). Under a
    ``tf.distribute`` strategy it falls back to Keras' own update, which knows how to
    write mirrored variables.
    """

    def update_step(self, gradient, variable, learning_rate):
        if self.amsgrad or tf.distribute.has_strategy():
            return super().update_step(gradient, variable, learning_rate)
        index = self._get_variable_index(variable)
        dtype = variable.dtype
        step = tf.cast(self.iterations + 1, dtype)
        beta_1, beta_2 = tf.cast(self.beta_1, dtype), tf.cast(self.beta_2, dtype)
        tf.raw_ops.ResourceApplyAdam(
            var=variable.handle, m=self._momentums[index].value.handle,
            v=self._velocities[index].value.handle,
            beta1_power=tf.pow(beta_1, step), beta2_power=tf.pow(beta_2, step),
            lr=tf.cast(learning_rate, dtype), beta1=beta_1, beta2=beta_2,
            epsilon=tf.cast(self.epsilon, dtype), grad=tf.cast(gradient, dtype))
