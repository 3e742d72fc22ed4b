"""The ThreeFry dropout is Keras' dropout with another random stream, nothing else."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from mnist_keras.nets.layers import Dropout


@pytest.mark.parametrize("rng_alg", ["auto_select", "threefry"])
def test_keeps_one_minus_rate_and_rescales(rng_alg):
    layer = Dropout(0.3, rng_alg=rng_alg)
    step = tf.function(lambda x: layer(x, training=True), jit_compile=rng_alg == "threefry")
    y = step(tf.ones([400, 500])).numpy()
    kept = y > 0
    assert abs(kept.mean() - 0.7) < 0.005  # 200,000 draws: sd 0.001
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    assert not np.array_equal(kept, step(tf.ones([400, 500])).numpy() > 0)  # fresh masks


def test_is_identity_at_inference():
    x = np.random.rand(8, 5).astype(np.float32)
    np.testing.assert_array_equal(Dropout(0.3, rng_alg="threefry")(x, training=False), x)


def test_saves_and_loads_in_a_keras_file(tmp_path):
    model = keras.Sequential([keras.Input((4,)), Dropout(0.25, rng_alg="threefry"),
                              keras.layers.Dense(2)])
    model.save(tmp_path / "m.keras")
    layer = keras.models.load_model(tmp_path / "m.keras").layers[0]
    assert isinstance(layer, Dropout) and (layer.rate, layer.rng_alg) == (0.25, "threefry")
