"""``python -m mnist_keras`` end to end, as a user runs it."""

import json
import re


from conftest import run_cli

# What TensorFlow's C++ runtime prints while it loads and first compiles, unless hidden.
TF_START_UP = re.compile(r"absl::InitializeLog|cudart_stub|cuda_platform|cpu_feature_guard|"
                         r"oneDNN custom operations|XLA service|StreamExecutor|Compiled cluster")


def test_trains_a_small_run_writes_and_exports_it(tmp_path):
    run = tmp_path / "run"
    result = run_cli("mnist_keras", "--stage=5", "--epochs=2", "--train_examples=1000",
                     f"--model_dir={run}", "--verbose=1", f"--export_root={tmp_path / 'sm'}",
                     "--tflite", log=True)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert any(line.startswith("Epoch: 0001 cost = ") for line in lines)
    assert any(line.startswith("Epoch: 0002 cost = ") for line in lines)
    for expected in ("Learning Finished!", "Accuracy(train): ", "Accuracy(test): ",
                     "Label:  [", "Prediction:  ["):
        assert any(line.startswith(expected) for line in lines), expected
    assert "━" in result.stdout  # the Keras progress bar
    assert "hyperparameters: {" in result.stderr  # logged by absl
    hparams = json.loads((run / "hparams.json").read_text())
    assert hparams["hparams"]["epochs"] == 2 and hparams["data"]["train_images"] == 1000
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["epochs"] == 2 and 0.5 < metrics["test_accuracy"] <= 1.0
    assert (run / "model.keras").exists()
    version = tmp_path / "sm" / "stage5" / "1"  # and --export: a version of the run
    assert f"Exported: {version}" in result.stdout
    assert (version / "saved_model.pb").exists() and (version / "model.tflite").exists()
    assert json.loads((version / "assets.extra" / "metrics.json").read_text()) == metrics


def test_the_console_shows_the_tutorial_not_tensorflows_start_up(tmp_path):
    result = run_cli("mnist_keras", "--stage=8", "--steps=10", "--train_examples=500",
                     f"--model_dir={tmp_path / 'run'}", "--verbose=0",
                     f"--log_dir={tmp_path}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert not TF_START_UP.search(result.stdout + result.stderr), result.stderr
    assert result.stderr == ""  # nor absl's INFO lines
    assert result.stdout.splitlines()[-5] == "Learning Finished!"
    logs = list(tmp_path.glob("mnist_keras.*.INFO.*"))  # absl's log file keeps them
    assert len(logs) == 1 and "hyperparameters: {" in logs[0].read_text()


def test_a_tf_log_level_the_user_set_wins(tmp_path):
    result = run_cli("mnist_keras", "--stage=0", "--steps=10", f"--model_dir={tmp_path}",
                     "--verbose=0", env={"TF_CPP_MIN_LOG_LEVEL": "0"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert TF_START_UP.search(result.stderr)  # nothing hidden


def test_ctrl_c_says_how_to_resume_and_the_same_command_does(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    from conftest import REPO, clean_env

    args = [sys.executable, "-m", "mnist_keras", "--stage=0", "--epochs=40",
            "--train_examples=1000", f"--model_dir={tmp_path}", "--verbose=0"]
    proc = subprocess.Popen(args, cwd=REPO, env=clean_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    history = tmp_path / "history.json"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (
            history.exists() and len(json.loads(history.read_text() or "[]")) >= 2):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err[-2000:]
    assert err.strip().splitlines() == [f"mnist_keras: interrupted; the same command resumes "
                                        f"{tmp_path} from its last finished epoch"]
    done = len(json.loads(history.read_text()))
    again = run_cli(*args[2:])
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"Resuming {tmp_path} after period " in again.stdout
    assert [e["epoch"] for e in json.loads(history.read_text())] == list(range(1, 41))
    assert done < 40
