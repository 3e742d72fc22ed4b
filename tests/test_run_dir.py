"""A run directory belongs to one configuration and one live process, and a kill at any
write point of an epoch's commit loses no epoch and repeats none (both APIs)."""

import dataclasses
import json
import os
import signal
import subprocess
import sys

import keras
import pytest

from conftest import REPO, clean_env
from mnist_keras import registry
from mnist_keras.execution.settings import Execution
from mnist_keras.training import atomic, keras_train
from mnist_keras.training.history import History
from mnist_keras.training.run_dir import RunDir, RunDirError
from stages import stage5, stage6

EPOCHS = 3


@pytest.fixture(scope="module")
def tiny(small):
    """300 training images (3 batches an epoch), 200 validation, 200 test."""
    return dataclasses.replace(small, train=small.train.take(300),
                               validation=small.validation.take(200),
                               test=small.test.take(200))


def _keras_run(stage, hp, data, path, **kwargs):
    keras.utils.set_random_seed(hp.seed)  # as main does, once per run
    # What a run directory refuses or restarts does not depend on the execution; TF's
    # kernels start faster than XLA's compiles.
    return keras_train.train(stage, registry.stage_id(stage), hp, data, str(path),
                             verbose=0, execution=Execution(), **kwargs)


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


# -- Fault injection: a kill before any one write of the commit protocol ----------------
# The protocol (``RunDir.commit``, ``progress``, ``finish``, ``History``, ``atomic``) runs
# here for real, around a stub "training" whose whole state is the number of periods it
# has trained, saved as its checkpoint. A real run's checkpoint and resume, in both APIs,
# are killed and resumed in tests/test_repro.py.

PERIODS = 3


class Killed(BaseException):
    """Stands in for SIGKILL at a write point (nothing after it runs)."""


class WritePoints:
    """Counts the writes of a run (``atomic``'s and the checkpoint's) and kills at one."""

    def __init__(self, monkeypatch, kill_at: int | None = None, partial: bool = False):
        self.calls: list[str] = []
        self.kill_at, self.partial = kill_at, partial
        for name in ("write_bytes", "replace", "remove", "sync_file"):
            monkeypatch.setattr(atomic, name, self._wrap(name, getattr(atomic, name)))

    def wrap_save(self, save):
        return self._wrap("checkpoint", save)

    def _wrap(self, name, real):
        def write(*args, **kwargs):
            self.calls.append(name)
            if len(self.calls) == self.kill_at:
                if self.partial and name == "checkpoint":  # half a checkpoint on disk
                    with open(args[0] + ".state", "w") as f:
                        f.write("{")
                raise Killed(name)
            return real(*args, **kwargs)
        return write


def _save_state(prefix: str, state: int) -> list[str]:
    """The stub's checkpoint: written in place, as Keras and TF1 write theirs."""
    with open(prefix + ".state", "w") as f:
        f.write(json.dumps(state))
    return [prefix + ".state"]


def _stub_run(path, points: WritePoints) -> int:
    """Trains the stub from the last commit to the end; returns its final state."""
    with RunDir(str(path)) as run_dir:
        finished = run_dir.start({"stage": "stub"})
        if finished is not None:
            return finished["state"]
        progress = run_dir.progress()
        state = 0 if progress.checkpoint is None else json.loads(
            open(run_dir.file(progress.checkpoint) + ".state").read())
        assert state == progress.periods_done  # the checkpoint is the one committed
        history = History(run_dir, progress.history)
        save = points.wrap_save(_save_state)
        for period in range(progress.periods_done + 1, PERIODS + 1):
            state += 1  # the period's training
            history.add({"epoch": period})
            run_dir.commit(period, history.epochs, lambda prefix: save(prefix, state))
        run_dir.finish({"state": state})
        return state


def test_a_kill_at_any_write_of_the_commit_protocol_loses_and_repeats_nothing(
        tmp_path, monkeypatch):
    with monkeypatch.context() as patch:
        points = WritePoints(patch)
        assert _stub_run(tmp_path / "whole", points) == PERIODS
    kinds = set(points.calls)
    assert kinds == {"write_bytes", "replace", "checkpoint", "sync_file", "remove"}, kinds
    for kill_at in range(1, len(points.calls) + 1):
        # A checkpoint is the one file written in place: a kill may leave half of it.
        for partial in (False, True) if points.calls[kill_at - 1] == "checkpoint" else (False,):
            run = tmp_path / f"kill{kill_at}{'p' * partial}"
            with monkeypatch.context() as patch:
                with pytest.raises(Killed):
                    _stub_run(run, WritePoints(patch, kill_at, partial))
            with monkeypatch.context() as patch:  # the same command again
                assert _stub_run(run, WritePoints(patch)) == PERIODS, (kill_at, partial)
            history = json.loads((run / "history.json").read_text())
            assert [e["epoch"] for e in history] == [1, 2, 3], (kill_at, partial)
            assert not (run / "progress").exists() and not (run / "progress.json").exists()
