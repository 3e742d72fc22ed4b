"""``python -m mnist_keras`` end to end, as a user runs it."""

import fcntl
import json
import pathlib
import re
import signal
import subprocess
import sys

import pytest

from conftest import REPO, STAGE5_FLAGS, clean_env, run_forked

# What TensorFlow's C++ runtime prints while it loads and first compiles, unless hidden.
TF_START_UP = re.compile(r"absl::InitializeLog|cudart_stub|cuda_platform|cpu_feature_guard|"
                         r"oneDNN custom operations|XLA service|StreamExecutor|Compiled cluster")


def test_trains_writes_and_exports_a_run_from_any_directory(stage5_run):
    # The shared run: STAGE5_FLAGS from an empty directory outside the repository, so the
    # package is the installed one and its own files are the data.
    assert "--export" in STAGE5_FLAGS and "--tflite" in STAGE5_FLAGS
    lines = stage5_run["stdout"].splitlines()
    assert any(line.startswith("Epoch: 0001 cost = ") for line in lines)
    for expected in ("Learning Finished!", "Accuracy(train): ", "Accuracy(test): ",
                     "Label:  [", "Prediction:  ["):
        assert any(line.startswith(expected) for line in lines), expected
    assert "━" in stage5_run["stdout"]  # the Keras progress bar
    run, version = pathlib.Path(stage5_run["run_dir"]), pathlib.Path(stage5_run["version_dir"])
    hparams = json.loads((run / "hparams.json").read_text())
    assert hparams["hparams"]["epochs"] == 1 and hparams["data"]["train_images"] == 55000
    assert hparams["data"]["source"] == "embedded"  # no flag, no variable
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["epochs"] == 1 and 0.9 < metrics["test_accuracy"] <= 1.0
    assert (run / "model.keras").exists()
    assert lines[-1] == f"Exported: {version}"  # and --export: a version of the run
    assert (version / "saved_model.pb").exists() and (version / "model.tflite").exists()
    assert json.loads((version / "assets.extra" / "metrics.json").read_text()) == metrics


def test_the_console_shows_the_tutorial_not_tensorflows_start_up(stage5_run):
    assert not TF_START_UP.search(stage5_run["stdout"] + stage5_run["stderr"])
    assert stage5_run["stderr"] == ""  # nor absl's INFO lines
    assert stage5_run["stdout"].splitlines()[-6] == "Learning Finished!"
    logs = list(pathlib.Path(stage5_run["log_dir"]).glob("mnist_keras.*.INFO.*"))
    assert len(logs) == 1  # absl's log file keeps them, and the XLA flag the run set
    log = logs[0].read_text()
    assert "hyperparameters: {" in log
    assert "XLA_FLAGS: --xla_cpu_copy_insertion_use_region_analysis=true" in log


def _interrupted_after(args, progress, committed: int, env=None):
    """Starts ``python -m mnist_keras <args>``; once ``progress`` (the run's
    ``progress.json``) has ``committed`` more epochs than at the start, sends it Ctrl-C.

    The run cannot end meanwhile, however fast the machine: its stdout is a pipe of one
    page that the test stops reading at the event, so a run with more than a page left to
    print waits in ``write`` until the signal has landed.

    Returns (exit status, stdout, stderr, epochs committed when it was sent).
    """
    proc = subprocess.Popen([sys.executable, "-m", "mnist_keras", *args], cwd=REPO,
                            env=clean_env(**(env or {})), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    fcntl.fcntl(proc.stdout, fcntl.F_SETPIPE_SZ, PAGE)
    start, seen = _committed(progress), []
    try:
        for line in proc.stdout:  # an epoch's line is printed before it is committed
            seen.append(line)
            if line.startswith("Epoch: ") and _committed(progress) >= start + committed:
                break
        done = _committed(progress)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, "".join(seen) + out, err, done


def _committed(progress) -> int:
    """The epochs a run has committed (renamed into place whole: never half written)."""
    return json.loads(progress.read_text())["periods_done"] if progress.exists() else 0


def test_full_train_takes_all_images_and_validates_on_none(tmp_path):
    # Stage 0 trains on TF1's 55,000 and validates on the other 5,000; with the flag, on
    # all 60,000 (--nofull_train is how a 60,000-image rung is validated).
    done = run_forked("mnist_keras", "--stage=0", "--full_train", "--epochs=1",
                      "--train_examples=200", f"--model_dir={tmp_path}", "--verbose=0")
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads((tmp_path / "hparams.json").read_text())["hparams"]["full_train"]
    history = json.loads((tmp_path / "history.json").read_text())
    assert history and not any("val_accuracy" in epoch for epoch in history)


PAGE = 4096  # bytes: the smallest pipe Linux makes
EPOCHS = 1000  # each prints its line, 35 bytes: far more than a page in all


@pytest.fixture
def sigint_handled():
    """Ctrl-C handled in this process while a test runs its commands, as in a terminal's.

    A process started with SIGINT ignored (``cmd &`` in a shell without job control)
    passes that on through exec, and a Python that starts so ignores Ctrl-C for good;
    a handler instead is reset to the default in the child, where Python installs its own.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_ctrl_c_says_how_to_resume_and_the_same_command_does(tmp_path, sigint_handled):
    args = ["--stage=0", f"--epochs={EPOCHS}", "--train_examples=1000",
            f"--model_dir={tmp_path}", "--verbose=0"]
    progress = tmp_path / "progress.json"
    status, _, err, done = _interrupted_after(args, progress, committed=2)
    assert status == 130, err[-2000:]
    assert err.strip().splitlines() == [f"mnist_keras: interrupted; the same command resumes "
                                        f"{tmp_path} from its last finished epoch"]
    kept = _committed(progress)
    assert EPOCHS > kept >= done >= 2  # every committed epoch kept
    # The same command, this time with a TF log level the user set (to see less): still
    # none of TF's start-up lines, which that level cannot hide by itself.
    status, out, err, _ = _interrupted_after(args, progress, committed=2,
                                             env={"TF_CPP_MIN_LOG_LEVEL": "3"})
    assert status == 130, err[-2000:]
    assert not TF_START_UP.search(err), err[-2000:]
    assert err.strip().splitlines()[-1] == (f"mnist_keras: interrupted; the same command "
                                            f"resumes {tmp_path} from its last finished epoch")
    assert f"Resuming {tmp_path} after period {kept} of {EPOCHS}" in out
    epochs = [e["epoch"] for e in json.loads(progress.read_text())["history"]]
    assert epochs == list(range(1, len(epochs) + 1)) and len(epochs) >= kept + 2
