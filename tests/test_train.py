"""Training a stage in Keras: the loss goes down, the run is written, lines are printed."""

import contextlib
import dataclasses
import io
import json
import os

import keras
import numpy as np
import pytest

from mnist_keras.execution import settings
from mnist_keras.training import keras_train, scoring
from mnist_keras.training.run_dir import RunDir
from stages import experts_softmax, stage1, stage5


# Where the subject is the run's lines and files, not its kernels: TF's, which start
# faster than XLA's compiles.
PLAIN = settings.Execution()


def _loss(model, split):
    return scoring.score(scoring.batched_logits(model.predict_on_batch, split.images),
                      split.labels)[0]


def fit(model, hp, data, path, **kwargs):
    """``keras_train.fit_periods`` in a fresh run directory at ``path``."""
    os.makedirs(path, exist_ok=True)
    with RunDir(str(path)) as run_dir:
        return keras_train.fit_periods(model, hp, data, run_dir, verbose=0, **kwargs)


def test_short_fit_lowers_the_loss(small, tmp_path):
    hp = dataclasses.replace(stage5.HParams(), epochs=1)
    model = stage5.build_model(hp)
    before = _loss(model, small.train)
    history = fit(model, hp, small, tmp_path)
    after = _loss(model, small.train)
    assert after < 0.5 * before, (before, after)
    assert [e["epoch"] for e in history.epochs] == [1]


@pytest.mark.parametrize("batches, steps_per_execution", [
    (50, 50), (20, 20), (19, 19), (55, 11), (13, 13)])
def test_steps_per_execution_divide_an_epochs_batches(batches, steps_per_execution):
    # Keras runs whole executions: 50 steps each over 20 batches would train 50 a epoch.
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(loss="mse", steps_per_execution=50)  # the MLP family's
    assert keras_train.fit_steps_per_execution(model, batches) == steps_per_execution
    assert model.steps_per_execution == steps_per_execution


@pytest.mark.parametrize("train_images", [1900, 5500])  # 19 a call; 55 as 5 calls of 11
def test_epochs_train_exactly_their_batches(mnist_data, small, tmp_path, train_images):
    hp = dataclasses.replace(stage5.HParams(), epochs=2)
    data = dataclasses.replace(small, train=mnist_data.train.take(train_images),
                               validation=None)
    with settings.scope(settings.for_family("mlp")):  # XLA, 50 steps a call, as trained
        model = stage5.build_model(hp)
    fit(model, hp, data, tmp_path)
    assert int(model.optimizer.iterations.numpy()) == 2 * -(-train_images // 100)


@pytest.fixture(scope="module")
def trained(small, tmp_path_factory):
    """(run directory, hparams, returned metrics, printed lines) of one stage-5 run of
    two epochs, as the trainer runs it."""
    path = tmp_path_factory.mktemp("run")
    hp = dataclasses.replace(stage5.HParams(), epochs=2)
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        metrics = keras_train.train(stage5, "5", hp, small, str(path), verbose=0)
    return path, hp, metrics, printed.getvalue().splitlines()


def test_run_prints_the_tutorial_lines_and_writes_the_run(trained):
    run, hp, metrics, out = trained
    assert [line[:19] for line in out[:2]] == ["Epoch: 0001 cost = ", "Epoch: 0002 cost = "]
    assert out[2] == "Learning Finished!"
    assert out[3].startswith("Accuracy(train): ") and out[4].startswith("Accuracy(test): ")
    assert out[5].startswith("Label:  [") and out[6].startswith("Prediction:  [")
    assert sorted(os.listdir(run)) == [
        ".lock", "history.json", "hparams.json", "metrics.json", "model.keras"]  # no progress left
    for name in os.listdir(run):
        assert os.stat(run / name).st_mode & 0o777 == 0o644, name
    saved = json.loads((run / "hparams.json").read_text())
    assert saved["hparams"] == json.loads(json.dumps(dataclasses.asdict(hp)))
    # apart from the tutorial's numbers, the execution the trainer opted into
    assert saved["execution"] == {**dataclasses.asdict(settings.for_family("mlp")),
                                  "strategy": "default"}
    history = json.loads((run / "history.json").read_text())
    assert [e["epoch"] for e in history] == [1, 2]
    assert {"loss", "accuracy", "val_loss", "val_accuracy", "seconds"} <= set(history[0])
    assert float(out[1].split("= ")[1]) == pytest.approx(history[1]["loss"], abs=1e-9)
    for key in ("test_accuracy", "test_loss", "wall_time_s", "seconds_per_epoch"):
        assert metrics[key] > 0
    assert metrics["test_accuracy"] > 0.8
    assert json.loads((run / "metrics.json").read_text()) == json.loads(
        json.dumps(metrics))


def test_saved_model_predicts_what_the_run_measured(small, trained):
    run, _, metrics, _ = trained
    model = keras.models.load_model(run / "model.keras")
    accuracy = np.mean(np.argmax(model.predict(small.test.images, verbose=0), 1)
                       == small.test.labels)
    assert accuracy == pytest.approx(metrics["test_accuracy"], abs=1e-9)


def test_step_mode_logs_every_chunk(small, tmp_path, capsys):
    hp = dataclasses.replace(experts_softmax.HParams(), steps=40, log_every=20)
    keras_train.train(experts_softmax, "experts_softmax", hp, small, str(tmp_path), verbose=0,
                      execution=PLAIN)
    out = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in out[:2]] == ["step 20", "step 40"]
    assert out[0].startswith("step 20, training accuracy ")
    history = json.loads((tmp_path / "history.json").read_text())
    assert [e["epoch"] for e in history] == [1, 2]


def test_diverging_run_is_reported_not_raised(small, tmp_path):
    hp = dataclasses.replace(stage1.HParams(), epochs=1, learning_rate=1e6)
    metrics = keras_train.train(stage1, "1", hp, dataclasses.replace(
        small, train=small.train.take(500), validation=None), str(tmp_path), verbose=0,
        execution=PLAIN)
    assert metrics["diverged"] is True
    saved = json.loads((tmp_path / "metrics.json").read_text())  # strict JSON: null, not NaN
    assert saved["diverged"] is True and saved["final_cost"] is None
    assert 0.0 <= saved["test_accuracy"] < 0.5


class _Clock:
    """``time.perf_counter`` for ``keras_train``: one tick a call, and ``COMMIT`` more for
    each commit and validation, which a period's seconds must leave out."""

    COMMIT = 1000.0

    def __init__(self):
        self.now = 0.0

    def perf_counter(self):
        self.now += 1.0
        return self.now

    def spending(self, original):
        def spent(*args, **kwargs):
            self.now += self.COMMIT
            return original(*args, **kwargs)
        return spent


@pytest.mark.parametrize("validation", [False, True])
def test_epoch_seconds_are_training_alone(small, tmp_path, monkeypatch, validation):
    clock = _Clock()
    monkeypatch.setattr(keras_train, "time", clock)
    monkeypatch.setattr(keras_train.ProgressCommit, "on_epoch_end",
                        clock.spending(keras_train.ProgressCommit.on_epoch_end))
    hp = dataclasses.replace(stage5.HParams(), epochs=2)
    data = small if validation else dataclasses.replace(small, validation=None)
    model = stage5.build_model(hp)
    monkeypatch.setattr(model, "evaluate", clock.spending(model.evaluate))  # fit validates
    history = fit(model, hp, data, tmp_path)
    assert clock.now > 2 * clock.COMMIT * (2 if validation else 1)  # both were spent
    for epoch in history.epochs:
        assert 0 < epoch["seconds"] < clock.COMMIT  # ticks of its batches only
