"""A run directory belongs to one configuration and one live process, and a kill at any
write point of an epoch's commit loses no epoch and repeats none (both APIs)."""

import dataclasses
import json
import os
import signal
import subprocess
import sys

import keras
import numpy as np
import pytest

from conftest import REPO, clean_env
from mnist_keras import registry
from mnist_keras.execution import settings
from mnist_keras.training import atomic, graph_train, keras_train
from mnist_keras.training.run_dir import RunDir, RunDirError
from stages import stage0, stage5, stage6

EPOCHS = 3


@pytest.fixture(scope="module")
def tiny(small):
    """300 training images (3 batches an epoch), 200 validation, 200 test."""
    return dataclasses.replace(small, train=small.train.take(300),
                               validation=small.validation.take(200),
                               test=small.test.take(200))


def _keras_run(stage, hp, data, path, **kwargs):
    keras.utils.set_random_seed(hp.seed)  # as main does, once per run
    return keras_train.train(stage, registry.stage_id(stage), hp, data, str(path),
                             verbose=0, **kwargs)


def _interrupted(stage, hp, data, path, after_epoch=1):
    """A run stopped as by Ctrl-C, right after the given epoch's commit."""
    class Stop(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch + 1 == after_epoch:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _keras_run(stage, hp, data, path, callbacks=[Stop()])


def test_a_rerun_with_another_configuration_is_refused(tiny, tmp_path):
    hp = dataclasses.replace(stage5.HParams(), epochs=EPOCHS)
    _interrupted(stage5, hp, tiny, tmp_path)
    faster = dataclasses.replace(hp, learning_rate=0.01)
    with pytest.raises(RunDirError) as error:
        _keras_run(stage5, faster, tiny, tmp_path)
    assert str(error.value) == (
        f"{tmp_path} holds another run: hparams.learning_rate=0.001 (now 0.01). Use another "
        "--model_dir, or --restart to discard it")
    fewer = dataclasses.replace(tiny, train=tiny.train.take(200))
    with pytest.raises(RunDirError, match=r"data.train_images=300 \(now 200\)"):
        _keras_run(stage5, hp, fewer, tmp_path)
    with pytest.raises(RunDirError, match=r"name='stage5' \(now 'stage6'\).*kernel_init="):
        _keras_run(stage6, dataclasses.replace(stage6.HParams(), epochs=EPOCHS), tiny, tmp_path)
    assert json.loads((tmp_path / "hparams.json").read_text())["hparams"]["learning_rate"] \
        == 0.001  # the record is the run's, untouched


def test_restart_discards_and_a_finished_run_is_not_trained_again(tiny, tmp_path, capsys):
    hp = dataclasses.replace(stage5.HParams(), epochs=EPOCHS)
    _interrupted(stage5, hp, tiny, tmp_path)
    faster = dataclasses.replace(hp, learning_rate=0.01)
    first = _keras_run(stage5, faster, tiny, tmp_path, restart=True)
    assert json.loads((tmp_path / "hparams.json").read_text())["hparams"]["learning_rate"] \
        == 0.01
    assert [e["epoch"] for e in json.loads((tmp_path / "history.json").read_text())] == [
        1, 2, 3]
    capsys.readouterr()
    again = _keras_run(stage5, faster, tiny, tmp_path)
    assert again == json.loads(json.dumps(first))  # read back, not trained
    assert "holds this finished run: test accuracy" in capsys.readouterr().out


def test_a_second_live_process_is_refused_and_a_dead_ones_lock_is_not(tmp_path):
    with RunDir(str(tmp_path)) as first:
        first.start({"stage": "0"})
        with pytest.raises(RunDirError, match=rf"is in use by another run \(pid {os.getpid()}\)"):
            RunDir(str(tmp_path)).start({"stage": "0"})
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\n"
         "from mnist_keras.training.run_dir import RunDir\n"
         f"RunDir({str(tmp_path)!r}).start({{'stage': '0'}})\n"
         "print('locked', flush=True); time.sleep(600)"],
        cwd=REPO, env=clean_env(), stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    with pytest.raises(RunDirError, match=rf"pid {holder.pid}"):
        RunDir(str(tmp_path)).start({"stage": "0"})
    holder.send_signal(signal.SIGKILL)  # killed: the kernel releases its lock
    holder.wait()
    with RunDir(str(tmp_path)) as after:
        assert after.start({"stage": "0"}) is None


# -- Fault injection: a kill before any one write of an epoch's commit ------------------

class Killed(BaseException):
    """Stands in for SIGKILL at a write point (nothing after it runs)."""


class WritePoints:
    """Counts the writes of a run (``atomic``'s and the checkpoint's) and kills at one."""

    def __init__(self, monkeypatch, kill_at: int | None = None, partial: bool = False):
        self.calls: list[str] = []
        self.kill_at, self.partial = kill_at, partial
        for name in ("write_bytes", "replace", "remove", "sync_file"):
            monkeypatch.setattr(atomic, name, self._wrap(name, getattr(atomic, name)))
        monkeypatch.setattr(keras_train.ProgressCommit, "_save", self._wrap(
            "checkpoint", keras_train.ProgressCommit._save))
        monkeypatch.setattr(graph_train, "_save", self._wrap("checkpoint", graph_train._save))

    def _wrap(self, name, real):
        def write(*args, **kwargs):
            self.calls.append(name)
            if len(self.calls) == self.kill_at:
                if self.partial and name == "checkpoint":  # half a checkpoint on disk
                    prefix = args[-1]
                    with open(prefix + ".weights.h5", "wb") as f:
                        f.write(b"\x89HDF\r\n\x1a\n" + os.urandom(100))
                raise Killed(name)
            return real(*args, **kwargs)
        return write


def _train_v1(hp, data, path):
    keras.utils.set_random_seed(hp.seed)
    graph_train.train(stage0, "0", hp, data, str(path), verbose=0)


def _train_keras(hp, data, path):
    # The commits are the same whatever the execution; TF's kernels compile faster.
    _keras_run(stage0, hp, data, path, execution=settings.Execution())


def _weights(path):
    return keras.saving.load_model(path / "model.keras", compile=False).get_weights()


@pytest.mark.parametrize("api", ["keras", "v1"])
def test_a_kill_at_any_write_of_an_epochs_commit_loses_and_repeats_nothing(
        tiny, tmp_path, monkeypatch, api):
    hp = dataclasses.replace(stage0.HParams(), epochs=EPOCHS)
    train = _train_keras if api == "keras" else _train_v1
    with monkeypatch.context() as patch:
        points = WritePoints(patch)
        train(hp, tiny, tmp_path / "whole")
    whole = _weights(tmp_path / "whole")
    # The second epoch's commit: from its history write to the first write of epoch 3.
    starts = [i for i, name in enumerate(points.calls) if name == "checkpoint"]
    first_write = points.calls.index("write_bytes", starts[0] + 1)  # after epoch 1's commit
    window = range(points.calls.index("write_bytes", first_write + 1) + 1, starts[2] + 1)
    assert {points.calls[i - 1] for i in window} >= {"write_bytes", "replace", "checkpoint",
                                                     "sync_file", "remove"}
    assert len(window) >= 8, [points.calls[i - 1] for i in window]
    for kill_at in window:
        # A checkpoint is the one file written in place: a kill may leave half of it.
        for partial in (False, True) if points.calls[kill_at - 1] == "checkpoint" else (False,):
            run = tmp_path / f"kill{kill_at}{'p' * partial}"
            with monkeypatch.context() as patch:
                WritePoints(patch, kill_at, partial)
                with pytest.raises(Killed):
                    train(hp, tiny, run)
            train(hp, tiny, run)  # the same command again
            history = json.loads((run / "history.json").read_text())
            assert [e["epoch"] for e in history] == [1, 2, 3], (kill_at, partial)
            for a, b in zip(_weights(run), whole, strict=True):
                np.testing.assert_array_equal(a, b)
            assert not (run / "progress").exists()
