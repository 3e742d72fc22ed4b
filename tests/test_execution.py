"""The execution classes compute Keras' own numbers another way: the XLA-loop Sequential,
ThreeFry dropout masks, the transposed dense gradient and TF's fused Adam; and each
model family gets the execution chosen for it."""

import dataclasses
import os

import keras
import numpy as np
import pytest
import tensorflow as tf

from mnist_keras import registry
from mnist_keras.data import pipeline
from mnist_keras.execution import build, settings, xla_loop, xla_flags
from mnist_keras.execution.fast_layers import ThreeFryDropout, TransposedGradientDense
from mnist_keras.execution.fused_adam import FusedAdam
from mnist_keras.nets import cnn as cnn_family
from mnist_keras.nets import compiled, mlp
from stages import experts_cnn, stage8

HP = dataclasses.replace(stage8.HParams(), hidden=(64, 32))  # Adam, dropout
MLP = settings.for_family("mlp")  # XLA, 50 steps in one XLA loop, ThreeFry


def _trained(model, split):
    model.steps_per_execution = 10
    batches = -(-len(split) // HP.batch_size)
    dataset = pipeline.make_dataset(split, HP.batch_size, seed=7, num_batches=batches)
    history = model.fit(dataset, epochs=1, steps_per_epoch=batches, verbose=0,
                        shuffle=False)
    return history.history, model.get_weights(), int(model.optimizer.iterations.numpy())


def test_same_numbers_as_keras_sequential(mnist_data):
    keras.utils.set_random_seed(5)
    ours = mlp.build_model(HP, MLP)
    keras.utils.set_random_seed(5)
    layers = mlp.build_model(HP, MLP).layers  # the same initial weights and dropout seeds
    stock = compiled.compile_model(keras.Sequential(layers), HP, MLP)
    assert type(ours) is xla_loop.XlaLoopSequential and ours._in_xla()
    iterations = 0
    # Two fits of each model, 10 batches an execution (compiled once for both).
    for images, batches, in_xla in [
            # two whole executions in the XLA loop, then one of 4 taken one by one,
            # whose last batch has 50 images
            (2350, 24, 2),
            # the second execution holds the 50-image batch, so it is taken one by one
            # though whole
            (1950, 20, 1)]:
        split = mnist_data.train.take(images)
        before = ours.xla_loop_executions
        got, want = _trained(ours, split), _trained(stock, split)
        iterations += batches
        assert got[2] == want[2] == iterations  # every batch trained once
        assert ours.xla_loop_executions - before == in_xla  # and the XLA loop ran
        assert got[0] == want[0]  # loss and accuracy, exactly
        for a, b in zip(got[1], want[1]):
            np.testing.assert_array_equal(a, b)


def test_keras_own_loop_without_xla():
    no_xla = dataclasses.replace(MLP, jit_compile=False, threefry_dropout=False)
    assert not mlp.build_model(HP, no_xla)._in_xla()
    assert type(mlp.build_model(HP, settings.deterministic(MLP))) is keras.Sequential
    assert not mlp.build_model(HP, dataclasses.replace(MLP, steps_per_execution=1))._in_xla()


def test_the_cnn_family_runs_tfs_kernels_in_keras_loop():
    # XLA's CPU convolutions are slower, and inside an XLA while loop XLA emits their
    # gradients as plain loops.
    with settings.scope(settings.for_family("cnn")):
        model = experts_cnn.build_model()
    assert type(model) is keras.Sequential and not model.jit_compile
    assert model.steps_per_execution == 20


def test_saves_and_loads_as_itself(tmp_path):
    model = mlp.build_model(HP, MLP)
    model.optimizer.build(model.trainable_variables)  # saved with its state
    model.save(tmp_path / "m.keras")
    assert type(keras.models.load_model(tmp_path / "m.keras")) is xla_loop.XlaLoopSequential


@pytest.mark.parametrize("given, result", [
    (None, f"{xla_flags.COPY_FLAG}=true"),
    ("--xla_dump_to=/tmp/x", f"--xla_dump_to=/tmp/x {xla_flags.COPY_FLAG}=true"),
    (f"{xla_flags.COPY_FLAG}=false", f"{xla_flags.COPY_FLAG}=false"),  # the user's wins
])
def test_the_training_commands_xla_flag_keeps_the_users(monkeypatch, given, result):
    if given is None:
        monkeypatch.delenv("XLA_FLAGS", raising=False)
    else:
        monkeypatch.setenv("XLA_FLAGS", given)
    xla_flags.apply()
    assert os.environ["XLA_FLAGS"] == result


@pytest.mark.parametrize("threefry", [False, True])
def test_keeps_one_minus_rate_and_rescales(threefry):
    layer = ThreeFryDropout(0.3) if threefry else keras.layers.Dropout(0.3)
    step = tf.function(lambda x: layer(x, training=True), jit_compile=threefry)
    y = step(tf.ones([400, 500])).numpy()
    kept = y > 0
    assert abs(kept.mean() - 0.7) < 0.005  # 200,000 draws: sd 0.001
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    assert not np.array_equal(kept, step(tf.ones([400, 500])).numpy() > 0)  # fresh masks


def test_is_identity_at_inference():
    x = np.random.rand(8, 5).astype(np.float32)
    np.testing.assert_array_equal(ThreeFryDropout(0.3)(x, training=False), x)


def test_threefry_dropout_saves_and_loads_in_a_keras_file(tmp_path):
    model = keras.Sequential([keras.Input((4,)), ThreeFryDropout(0.25),
                              keras.layers.Dense(2)])
    model.save(tmp_path / "m.keras")
    layer = keras.models.load_model(tmp_path / "m.keras").layers[0]
    assert type(layer) is ThreeFryDropout and layer.rate == 0.25


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
def test_dense_is_keras_dense(shape, eager):
    x = tf.constant(np.random.RandomState(0).rand(*shape).astype("float32"))
    results = []
    for layer in (keras.layers.Dense(200, activation="relu"),
                  TransposedGradientDense(200, activation="relu")):
        layer.build(x.shape)
        rng = np.random.RandomState(1)  # the same weights in both
        layer.set_weights([rng.randn(300, 200).astype("float32"),
                           rng.randn(200).astype("float32")])
        results.append(_forward_and_gradients(layer, x, eager))
    for name, ours, theirs in zip(["output", "dx", "dW", "db"], *results):
        if name == "dx" and len(shape) == 2:  # the one product taken the other way round
            # The same products and sums; oneDNN may round them differently: bit for bit
            # on the Intel Xeon of results/, within 1e-7 of the largest on an AMD EPYC.
            np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6 * np.abs(theirs).max())
        else:
            np.testing.assert_array_equal(ours, theirs, err_msg=name)


def test_dense_saves_and_loads_in_a_keras_file(tmp_path):
    model = keras.Sequential([keras.Input((4,)), TransposedGradientDense(3, activation="relu")])
    model.save(tmp_path / "m.keras")
    layer = keras.models.load_model(tmp_path / "m.keras").layers[0]
    assert type(layer) is TransposedGradientDense and layer.units == 3
    np.testing.assert_array_equal(layer.get_weights()[0], model.layers[0].get_weights()[0])


def test_the_cnn_trains_to_the_same_weights_either_way(small):
    stage, cnn = registry.get("9"), settings.for_family("cnn")
    hp = stage.HParams()
    weights = []
    for transposed in (True, False):
        keras.utils.set_random_seed(hp.seed)
        model = cnn_family.build_model(
            hp, dataclasses.replace(cnn, transposed_gradient=transposed))
        wide = [layer for layer in model.layers if getattr(layer, "units", 0) == hp.dense]
        assert len(wide) == 1  # 3136x1024
        assert (type(wide[0]) is TransposedGradientDense) == transposed
        model.fit(pipeline.make_dataset(small.train, hp.batch_size, seed=hp.seed,
                                        num_batches=10), steps_per_epoch=10, verbose=0)
        weights.append(model.get_weights())
    for ours, theirs in zip(*weights):
        # 10 Adam steps of 1e-4 each: float32 rounding in the input gradient (see above)
        # moves a weight by far less than one step.
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6)


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
    with settings.scope(settings.for_family("cnn")):
        assert type(registry.get("9").build_model().optimizer) is FusedAdam  # no XLA there
    with settings.scope(MLP):
        assert type(registry.get("8").build_model().optimizer) is keras.optimizers.Adam
    assert build.adam_class(settings.deterministic(MLP)) is FusedAdam  # no XLA either
    assert build.adam_class(settings.Execution()) is keras.optimizers.Adam


def test_fused_adam_saves_and_loads_in_a_keras_file(tmp_path):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer=FusedAdam(2e-4), loss="mse")
    model.fit(np.ones((4, 3)), np.zeros((4, 2)), verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras").optimizer
    assert type(loaded) is FusedAdam and loaded.learning_rate.numpy() == pytest.approx(2e-4)


def test_threefry_needs_xla():
    with pytest.raises(ValueError, match="threefry_dropout needs jit_compile"):
        settings.Execution(threefry_dropout=True)


def test_saved_files_get_keras_own_classes():
    portable = settings.portable(MLP)
    assert portable == settings.Execution(jit_compile=True)
    model = mlp.build_model(HP, portable)
    assert type(model) is keras.Sequential
    assert {type(layer) for layer in model.layers} == {keras.layers.Dense,
                                                       keras.layers.Dropout}

