"""Our layers are Keras' own computed another way: ThreeFry dropout masks, and a Dense
whose input gradient takes its product in the other operand order."""

import dataclasses

import keras
import numpy as np
import pytest
import tensorflow as tf

from mnist_keras import data, registry
from mnist_keras.nets.layers import Dense, Dropout


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


def _forward_and_gradients(layer, x, eager):
    """The layer's output and the gradients of a fixed loss w.r.t. x, kernel and bias."""
    target = tf.constant(np.random.RandomState(2).rand(*layer.compute_output_shape(
        x.shape)).astype("float32"))

    def run(x):
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = layer(x)
            loss = tf.reduce_sum(y * target)
        return [y, *tape.gradient(loss, [x, layer.kernel, layer.bias])]

    return [t.numpy() for t in (run if eager else tf.function(run))(x)]


@pytest.mark.parametrize("eager", [False, True])
@pytest.mark.parametrize("shape", [(50, 300), (4, 6, 300)])  # 3-D: Keras' own path
def test_dense_is_keras_dense_bit_for_bit(shape, eager):
    x = tf.constant(np.random.RandomState(0).rand(*shape).astype("float32"))
    results = []
    for layer in (keras.layers.Dense(200, activation="relu"), Dense(200, activation="relu")):
        layer.build(x.shape)
        rng = np.random.RandomState(1)  # the same weights in both
        layer.set_weights([rng.randn(300, 200).astype("float32"),
                           rng.randn(200).astype("float32")])
        results.append(_forward_and_gradients(layer, x, eager))
    for name, ours, theirs in zip(["output", "dx", "dW", "db"], *results):
        np.testing.assert_array_equal(ours, theirs, err_msg=name)


def test_dense_saves_and_loads_in_a_keras_file(tmp_path):
    model = keras.Sequential([keras.Input((4,)), Dense(3, activation="relu")])
    model.save(tmp_path / "m.keras")
    layer = keras.models.load_model(tmp_path / "m.keras").layers[0]
    assert type(layer) is Dense and layer.units == 3
    np.testing.assert_array_equal(layer.get_weights()[0], model.layers[0].get_weights()[0])


def test_the_cnn_trains_to_the_same_weights_either_way(small):
    stage = registry.get("9")
    weights = []
    for transposed in (True, False):
        hp = dataclasses.replace(stage.HParams(), transposed_gradient=transposed)
        keras.utils.set_random_seed(hp.seed)
        model = stage.build_model(hp)
        wide = [layer for layer in model.layers if getattr(layer, "units", 0) == hp.dense]
        assert len(wide) == 1 and (type(wide[0]) is Dense) == transposed  # 3136x1024
        model.fit(data.make_dataset(small.train, hp.batch_size, seed=hp.seed,
                                    num_batches=40), steps_per_epoch=40, verbose=0)
        weights.append(model.get_weights())
    for ours, theirs in zip(*weights):
        np.testing.assert_array_equal(ours, theirs)
