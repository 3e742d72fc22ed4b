"""nets.sequential.Sequential trains exactly as keras.Sequential does, only in one XLA loop."""

import dataclasses
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import mnist_keras
from mnist_keras import data as data_lib
from mnist_keras.nets import common
from mnist_keras.nets import sequential
from stages import experts_cnn, stage8

HP = dataclasses.replace(stage8.HParams(), hidden=(64, 32))  # Adam, dropout, XLA


def _trained(model, split, batches, steps_per_execution):
    model.steps_per_execution = steps_per_execution
    dataset = data_lib.make_dataset(split, HP.batch_size, seed=7, num_batches=batches)
    history = model.fit(dataset, epochs=1, steps_per_epoch=batches, verbose=0,
                        shuffle=False)
    return history.history, model.get_weights(), int(model.optimizer.iterations.numpy())


@pytest.mark.parametrize("images, steps_per_execution", [
    (2000, 10),   # two whole executions: the XLA loop
    (2300, 10),   # 23 batches: the last execution has 3, taken one by one
    (2050, 7),    # the 21st batch has 50 images: that execution is taken one by one
])
def test_same_numbers_as_keras_sequential(mnist, images, steps_per_execution):
    split = mnist.train.take(images)
    batches = -(-images // HP.batch_size)
    keras.utils.set_random_seed(5)
    ours = stage8.build_model(HP)
    assert type(ours) is sequential.Sequential and ours._in_xla()
    got = _trained(ours, split, batches, steps_per_execution)
    keras.utils.set_random_seed(5)
    layers = stage8.build_model(HP).layers  # the same initial weights and dropout seeds
    stock = common.compile_model(keras.Sequential(layers), HP)
    want = _trained(stock, split, batches, steps_per_execution)
    assert got[2] == want[2] == batches  # every batch trained once
    assert got[0] == want[0]  # loss and accuracy, exactly
    for a, b in zip(got[1], want[1]):
        np.testing.assert_array_equal(a, b)


def test_whole_executions_take_the_xla_loop(mnist, monkeypatch):
    split = mnist.train.take(2000)

    def weights(blank):
        if blank:  # the XLA loop's batches lose their images: only that path changes
            stacked = sequential._stacked
            monkeypatch.setattr(sequential, "_stacked", lambda o: (0 * stacked(o)[0],
                                                                   stacked(o)[1]))
        keras.utils.set_random_seed(5)
        return _trained(stage8.build_model(HP), split, 20, 10)[1]

    assert not np.array_equal(weights(False)[0], weights(True)[0])


def test_keras_own_loop_without_xla():
    hp = dataclasses.replace(HP, jit_compile=False)
    assert not stage8.build_model(hp)._in_xla()
    assert not stage8.build_model(dataclasses.replace(HP, steps_per_execution=1))._in_xla()


def test_convolutions_keep_keras_loop_even_under_xla():
    # XLA's CPU backend emits convolution gradients in a while loop as plain loops.
    hp = dataclasses.replace(experts_cnn.HParams(), jit_compile=True)
    assert type(experts_cnn.build_model(hp)) is keras.Sequential


def test_saves_and_loads_as_itself(tmp_path):
    model = stage8.build_model(HP)
    model.optimizer.build(model.trainable_variables)  # saved with its state
    model.save(tmp_path / "m.keras")
    assert type(keras.models.load_model(tmp_path / "m.keras")) is sequential.Sequential


def _xla_flags_after_import(env_value):
    env = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    if env_value is not None:
        env["XLA_FLAGS"] = env_value
    code = "import os, mnist_keras; print(os.environ['XLA_FLAGS'])"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, check=True).stdout.strip()


def test_xla_copy_flag_is_set_on_import_and_a_given_value_wins():
    flag = mnist_keras.XLA_COPY_FLAG
    assert _xla_flags_after_import(None) == f"{flag}=true"
    assert _xla_flags_after_import("--xla_dump_to=/tmp/x") == f"--xla_dump_to=/tmp/x {flag}=true"
    assert _xla_flags_after_import(f"{flag}=false") == f"{flag}=false"
