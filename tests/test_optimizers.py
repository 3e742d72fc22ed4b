"""FusedAdam is Keras' Adam computed by TF's fused kernel: the same steps, saved the same."""

import dataclasses

import keras
import numpy as np
import pytest
import tensorflow as tf

from mnist_keras import registry
from mnist_keras.nets.optimizers import FusedAdam


def _steps(optimizer, count=3):
    rng = np.random.RandomState(0)
    weights = [keras.Variable(rng.randn(30, 20).astype("float32")),
               keras.Variable(rng.randn(20).astype("float32"))]
    step = tf.function(lambda grads: optimizer.apply(grads, weights))
    for _ in range(count):
        step([tf.constant(rng.randn(*w.shape).astype("float32")) for w in weights])
    return [w.numpy() for w in weights], int(optimizer.iterations.numpy())


def test_takes_keras_adams_steps():
    fused, fused_count = _steps(FusedAdam(1e-3, epsilon=1e-8))
    stock, stock_count = _steps(keras.optimizers.Adam(1e-3, epsilon=1e-8))
    assert fused_count == stock_count == 3
    # Each step moves a weight by ~lr (1e-3); the two compute it in another order, so
    # they differ by float32 rounding of weights ~1 (ulp 1.2e-7), not by a step.
    for a, b in zip(fused, stock):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)


def test_the_cnn_uses_it_and_the_xla_stages_do_not():
    assert type(registry.get("9").build_model().optimizer) is FusedAdam  # no XLA there
    assert type(registry.get("8").build_model().optimizer) is keras.optimizers.Adam
    hp = dataclasses.replace(registry.get("9").HParams(), fused_adam=False)
    assert type(registry.get("9").build_model(hp).optimizer) is keras.optimizers.Adam


def test_saves_and_loads_in_a_keras_file(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer=FusedAdam(2e-4), loss="mse")
    model.fit(np.ones((4, 3)), np.zeros((4, 2)), verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras").optimizer
    assert type(loaded) is FusedAdam and loaded.learning_rate.numpy() == pytest.approx(2e-4)
