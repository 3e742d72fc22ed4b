"""Runs repeat with the same seed, resume after a kill, and log to TensorBoard."""

import dataclasses
import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from conftest import run_in_process
from mnist_keras import nets
from mnist_keras.execution import settings
from mnist_keras.training import graph_train, keras_train, tf1_graph
from mnist_keras.training.run_dir import PROGRESS_DIR, RunDir
from stages import stage5, stage8


def _model(stage, hp, plain=False):
    """The stage's model as the trainer builds it (its family's execution), or plain
    Keras, seeded."""
    keras.utils.set_random_seed(hp.seed)  # as main does, once per run
    family = settings.for_family(nets.family(hp).FAMILY)
    with settings.scope(settings.Execution() if plain else family):
        return stage.build_model(hp)


def _train(stage, hp, data, run_dir, callbacks=(), plain=False):
    model = _model(stage, hp, plain)
    run_dir.mkdir(parents=True, exist_ok=True)
    with RunDir(str(run_dir)) as files:
        history = keras_train.fit_periods(model, hp, data, files, verbose=0,
                                          callbacks=callbacks)
    return history.epochs, model.get_weights()


def _same(weights_a, weights_b):
    return all(np.array_equal(a, b) for a, b in zip(weights_a, weights_b, strict=True))


def test_same_seed_same_history_and_weights(small, tmp_path):
    # Dropout too: its masks repeat. A narrower net than stage 8's, in TF's kernels (the
    # XLA execution's repeats are the killed run's below: it resumes bit for bit).
    hp = dataclasses.replace(stage8.HParams(), epochs=2, hidden=(128, 128))
    history_a, weights_a = _train(stage8, hp, small, tmp_path / "a", plain=True)
    history_b, weights_b = _train(stage8, hp, small, tmp_path / "b", plain=True)
    strip = [{k: v for k, v in e.items() if k != "seconds"} for e in history_a]
    assert strip == [{k: v for k, v in e.items() if k != "seconds"} for e in history_b]
    assert _same(weights_a, weights_b)
    other = _model(stage8, dataclasses.replace(hp, seed=99)).get_weights()  # another start
    assert not _same(_model(stage8, hp).get_weights(), other)


class _Kill(keras.callbacks.Callback):
    """Stands in for a kill: raises after the given epoch has been saved."""

    def __init__(self, after_epoch):
        super().__init__()
        self.after_epoch = after_epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.after_epoch:
            raise KeyboardInterrupt("killed")


def test_killed_keras_run_resumes_where_it_stopped(small, tmp_path):
    # Dropout: the checkpoint keeps its generators' states, so the masks go on as if
    # uninterrupted. A narrower net than stage 8's compiles faster.
    hp = dataclasses.replace(stage8.HParams(), epochs=3, hidden=(128, 128))
    _, uninterrupted = _train(stage8, hp, small, tmp_path / "whole")
    with pytest.raises(KeyboardInterrupt):
        _train(stage8, hp, small, tmp_path / "run", callbacks=[_Kill(after_epoch=1)])
    saved = json.loads((tmp_path / "run" / "history.json").read_text())
    assert [e["epoch"] for e in saved] == [1]
    history, resumed = _train(stage8, hp, small, tmp_path / "run")  # the same command again
    assert [e["epoch"] for e in history] == [1, 2, 3]
    assert _same(resumed, uninterrupted)  # same batches, optimizer state and masks


def test_killed_v1_run_resumes_where_it_stopped(small, tmp_path, monkeypatch):
    hp = dataclasses.replace(stage5.HParams(), epochs=3)

    def v1_fit(run_dir):
        g = tf1_graph.build_graph(hp)
        run_dir.mkdir(parents=True, exist_ok=True)
        with tf.compat.v1.Session(graph=g.graph) as sess, RunDir(str(run_dir)) as files:
            sess.run(g.init)
            history = graph_train.session_loop(sess, g, hp, small, files, verbose=0)
            return history.epochs, tf1_graph.get_weights(sess, g)

    _, uninterrupted = v1_fit(tmp_path / "whole")
    real_period, calls = graph_train.train_period, []

    def dies_in_epoch_2(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed")
        return real_period(*args, **kwargs)

    monkeypatch.setattr(graph_train, "train_period", dies_in_epoch_2)
    with pytest.raises(KeyboardInterrupt):
        v1_fit(tmp_path / "run")
    assert len(list((tmp_path / "run" / PROGRESS_DIR).iterdir())) == 2  # period 1's files
    monkeypatch.setattr(graph_train, "train_period", real_period)
    history, resumed = v1_fit(tmp_path / "run")
    assert [e["epoch"] for e in history] == [1, 2, 3]
    assert _same(resumed, uninterrupted)


def _scalar_tags(directory):
    tags = set()
    for path in tf.io.gfile.glob(str(directory / "events.out.tfevents.*")):
        for record in tf.data.TFRecordDataset(path):
            event = tf.compat.v1.Event.FromString(record.numpy())
            tags |= {value.tag for value in event.summary.value}
    return tags


def test_tensorboard_logs_land_in_the_run_directory(small, tmp_path):
    hp = dataclasses.replace(stage5.HParams(), epochs=1)
    keras_train.train(stage5, "5", hp, small, str(tmp_path), verbose=0, tensorboard=True,
                      execution=settings.Execution())  # TF's kernels: the logs are the subject
    logs = tmp_path / "tensorboard"
    assert _scalar_tags(logs / "train") >= {"epoch_loss", "epoch_accuracy"}
    assert _scalar_tags(logs / "validation") >= {"epoch_loss", "epoch_accuracy"}


def test_deterministic_flag_repeats_exactly(tmp_path):
    # Two runs of the command in one Python (op determinism is for the whole process),
    # and a TF1 one, which the command runs as graph code in a Session.
    runs = [["--stage=8", "--steps=10", "--train_examples=500", "--deterministic",
             f"--model_dir={tmp_path / name}", "--verbose=0"] for name in ("a", "b")]
    v1 = ["--stage=0", "--api=v1", "--steps=2", f"--model_dir={tmp_path / 'v1'}",
          "--verbose=0"]
    for result in run_in_process({"mnist_keras": [*runs, v1]})["mnist_keras"]:
        assert result["status"] == 0, result["stderr"][-2000:]
    assert result["stdout"].startswith("step 2, training accuracy ")
    assert json.loads((tmp_path / "v1" / "metrics.json").read_text())["api"] == "v1"
    assert (tmp_path / "v1" / "v1_checkpoint" / "model.ckpt.index").exists()
    histories = []
    for name in ("a", "b"):
        history = json.loads((tmp_path / name / "history.json").read_text())
        histories.append([{k: v for k, v in e.items() if k != "seconds"} for e in history])
    assert histories[0] == histories[1] and len(histories[0]) == 1
    execution = json.loads((tmp_path / "a" / "hparams.json").read_text())["execution"]
    assert execution["jit_compile"] is False  # TF runs no XLA under op determinism
