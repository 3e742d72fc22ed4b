"""keras-tuner's command: a search under a strategy that reports, exports and resumes, and
the chief/worker mode, on tiny searches (stage 5, 500 images, 1 epoch). Apart from
test_tune.py so that, run in parallel, its processes' waits overlap other tests' work."""

import json
import socket

from conftest import run_forked, run_forked_together

TINY = ["--stage=5", "--tuner=random", "--epochs=1", "--train_examples=500",
        "--final_epochs=1", "--verbose=0"]


def test_cli_searches_reports_and_resumes_without_repeating(tmp_path):
    # Under a strategy over two CPU devices: the trials and the final run.
    args = ["mnist_keras.tune", *TINY, f"--directory={tmp_path}", "--strategy=mirrored",
            "--cpu_devices=2"]
    first = run_forked(*args, "--max_trials=2", "--export",
                    f"--export_root={tmp_path / 'exported'}", log=True)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "MirroredStrategy" in first.stderr  # TF logs the strategy it set up
    final = json.loads((tmp_path / "best_run" / "hparams.json").read_text())["execution"]
    assert (final["jit_compile"], final["steps_per_execution"]) == (False, 1)
    assert final["strategy"] == "mirrored"
    found = json.loads((tmp_path / "results.json").read_text())
    assert [t["status"] for t in found["trials"]] == ["COMPLETED"] * 2
    assert found["counts"] == {"COMPLETED": 2, "FAILED": 0, "UNFINISHED": 0}
    assert all(t["epochs_run"] == 1 and t["hyperparameters"] for t in found["trials"])
    assert "rank  trial  val_accuracy  epochs  best_epoch" in first.stdout
    assert 0 < found["final"]["test_accuracy"] <= 1
    assert found["final"]["trial_id"] == found["trials"][0]["trial_id"]
    assert "Best trial" in first.stdout and "test accuracy" in first.stdout
    assert (tmp_path / "best_run" / "model.keras").exists()
    assert found["export"] == str(tmp_path / "exported" / "stage5" / "1")
    assert (tmp_path / "exported" / "stage5" / "1" / "saved_model.pb").exists()

    second = run_forked(*args, "--max_trials=3")
    assert second.returncode == 0, second.stderr[-3000:]
    ran = [line for line in second.stdout.splitlines() if line.startswith("trial ")]
    assert len(ran) == 1 and ran[0].startswith("trial 2 [tuner0] COMPLETED"), ran
    resumed = json.loads((tmp_path / "results.json").read_text())
    assert sorted(t["trial_id"] for t in resumed["trials"]) == ["0", "1", "2"]
    before = {t["trial_id"]: t["val_accuracy"] for t in found["trials"]}
    assert all(before[t["trial_id"]] == t["val_accuracy"]
               for t in resumed["trials"] if t["trial_id"] in before)

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run_distributed(tmp_path, ids, max_trials) -> dict:
    """One process per tuner id, side by side; {id: (exit status, its output)}."""
    env = {"KERASTUNER_ORACLE_IP": "127.0.0.1", "KERASTUNER_ORACLE_PORT": str(_free_port())}
    command = ["mnist_keras.tune", *TINY, f"--max_trials={max_trials}",
               f"--directory={tmp_path / 'search'}"]
    done = run_forked_together([command] * len(ids),
                               [{**env, "KERASTUNER_TUNER_ID": i} for i in ids])
    return {i: (r.returncode, r.stdout + r.stderr) for i, r in zip(ids, done)}


def test_a_chief_and_two_workers_run_every_trial_once(tmp_path):
    runs = _run_distributed(tmp_path, ["chief", "tuner0", "tuner1"], max_trials=2)
    for tuner_id, (code, log) in runs.items():
        assert code == 0, f"{tuner_id} exited {code}:\n{log[-3000:]}"
    ran = [line.split()[1] for tuner_id in ("tuner0", "tuner1")
           for line in runs[tuner_id][1].splitlines() if line.startswith("trial ")]
    assert sorted(ran) == ["0", "1"]  # each trial run by exactly one worker
    found = json.loads((tmp_path / "search" / "results.json").read_text())
    assert sorted(t["trial_id"] for t in found["trials"]) == ["0", "1"]
    assert found["counts"]["COMPLETED"] == 2
    assert "Best trial" in runs["chief"][1] and found["final"]["test_accuracy"] > 0
