"""tf.distribute: replicas see exactly the single-device batches, and workers agree."""

import json
import os
import re
import socket

import keras
import numpy as np
import pytest

from conftest import run_forked, run_forked_together
from mnist_keras.data import pipeline


def test_parts_of_each_batch_reassemble_it(small):
    whole = pipeline.make_dataset(small.train, 100, seed=5, num_batches=6)
    halves = pipeline.make_dataset(small.train, 100, seed=5, num_batches=6, parts=(2, 0, 2))
    first = pipeline.make_dataset(small.train, 100, seed=5, num_batches=6, parts=(2, 0, 1))
    second = pipeline.make_dataset(small.train, 100, seed=5, num_batches=6, parts=(2, 1, 1))
    halves = [y.numpy() for _, y in halves]
    for i, ((_, y), (_, y0), (_, y1)) in enumerate(zip(whole, first, second, strict=True)):
        np.testing.assert_array_equal(np.concatenate([halves[2 * i], halves[2 * i + 1]]), y)
        np.testing.assert_array_equal(np.concatenate([y0.numpy(), y1.numpy()]), y)


def _run(tmp_path, name, *flags):
    result = run_forked("mnist_keras", "--stage=5", "--epochs=1", "--train_examples=1000",
                     f"--model_dir={tmp_path / name}", "--verbose=0", *flags)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((tmp_path / name / "metrics.json").read_text())


@pytest.fixture(scope="module")
def single(mnist_data, tmp_path_factory):
    """(metrics, run directory) of the one-device run the distributed ones must match,
    trained here as ``python -m mnist_keras --stage=5 --epochs=1 --train_examples=1000``."""
    import dataclasses

    from mnist_keras.training import keras_train
    from stages import stage5

    path = tmp_path_factory.mktemp("single")
    hp = dataclasses.replace(stage5.HParams(), epochs=1)
    keras.utils.set_random_seed(hp.seed)
    data = dataclasses.replace(mnist_data, train=mnist_data.train.take(1000))
    return keras_train.train(stage5, "5", hp, data, str(path), verbose=0), path


def _weights(path):
    return keras.models.load_model(path, compile=False).get_weights()


def test_mirrored_on_two_cpu_devices_matches_one_device(tmp_path, single):
    single, single_dir = single
    mirrored = _run(tmp_path, "mirrored", "--strategy=mirrored", "--cpu_devices=2")
    execution = json.loads((tmp_path / "mirrored" / "hparams.json").read_text())["execution"]
    assert (execution["jit_compile"], execution["steps_per_execution"]) == (False, 1)
    assert execution["strategy"] == "mirrored"
    # Same global batches, same seed: only float32 summation order differs (two
    # half-batch gradients summed vs one; XLA vs TF kernels). Measured: cost equal to
    # ~1e-7, weights within ~1e-6 after 10 Adam steps of ~1e-3 each.
    assert mirrored["final_cost"] == pytest.approx(single["final_cost"], rel=1e-5)
    for a, b in zip(_weights(tmp_path / "mirrored" / "model.keras"),
                    _weights(single_dir / "model.keras"), strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-5)


def _free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def test_two_workers_train_alike_and_only_the_chief_writes(tmp_path, single):
    workers = [f"127.0.0.1:{port}" for port in _free_ports(2)]
    commands = [["mnist_keras", "--stage=5", "--epochs=1", "--train_examples=1000",
                 "--strategy=multi_worker", "--verbose=0",
                 f"--model_dir={tmp_path / f'worker{index}'}"] for index in range(2)]
    envs = [{"TF_CONFIG": json.dumps({"cluster": {"worker": workers},
                                      "task": {"type": "worker", "index": index}})}
            for index in range(2)]
    done = run_forked_together(commands, envs, log=True)
    for result in done:
        assert result.returncode == 0, result.stderr[-3000:]
    prints = [re.search(r"weights sha256 ([0-9a-f]{64})", r.stderr).group(1) for r in done]
    assert prints[0] == prints[1]  # both workers hold the same weights
    assert sorted(os.listdir(tmp_path / "worker0")) == [
        ".lock", "history.json", "hparams.json", "metrics.json", "model.keras"]
    assert not (tmp_path / "worker1").exists()  # only the chief wrote
    chief = json.loads((tmp_path / "worker0" / "metrics.json").read_text())
    assert chief["weights_sha256"] == prints[0]
    # and they trained as one device would
    assert chief["final_cost"] == pytest.approx(single[0]["final_cost"], rel=1e-5)
