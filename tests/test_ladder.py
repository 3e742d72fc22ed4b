"""The ladder command writes its report, with the tutorial's numbers from the stages."""

import json

from conftest import run_forked
from mnist_keras import registry


def test_ladder_writes_the_report_and_resumes(tmp_path):
    args = ["mnist_keras.ladder", "--stages=0,1", "--seeds=1", "--epochs=1",
            "--train_examples=500", f"--out={tmp_path}", "--nomeasure_matmul"]
    first = run_forked(*args)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "[1/4] stage 0 (stage0), keras, seed 1234: training" in first.stdout
    assert "[4/4] stage 1 (stage1), v1, seed 1234: test accuracy" in first.stdout
    for name in ("ladder.md", "ladder.json", "ladder.png", "confusion.png",
                 "curves/stage0.png", "curves/stage1.png"):
        assert (tmp_path / name).stat().st_size > 0, name
    assert (tmp_path / "ladder.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    table = (tmp_path / "ladder.md").read_text()
    rows = {line.split("|")[1].strip(): line for line in table.splitlines()
            if line.startswith("| 0 (") or line.startswith("| 1 (")}
    for stage_id, row in zip(("0", "1"), rows.values()):
        cells = [c.strip() for c in row.strip("|").split("|")]
        # the text's number, as the stage's own module states it
        assert cells[4] == str(registry.get(stage_id).TUTORIAL_ACCURACY)
        assert cells[2] == ("7,850" if stage_id == "0" else "269,322")
        # training TFLOP: 500 images once, at 2 x (3 x products - the first layer's) FLOP
        # each: 2 x 2 x 7,840 for stage 0, 2 x (3 x 268,800 - 200,704) for stage 1
        assert cells[3] == ("1.57e-05" if stage_id == "0" else "0.000606")
    assert "meant to fail" in rows["1 (stage1)"]  # the failing stage is shown as such
    report = json.loads((tmp_path / "ladder.json").read_text())
    assert {(r["stage"], r["api"]) for r in report["runs"]} == {
        ("0", "keras"), ("0", "v1"), ("1", "keras"), ("1", "v1")}
    assert not list(tmp_path.glob("runs/*/machine.json"))  # --nomeasure_matmul
    # A clone of the results: no model files (they are not committed), no chart.
    for model in tmp_path.glob("runs/*/model.keras"):
        model.unlink()
    (tmp_path / "confusion.png").unlink()
    # A ladder in parts: finished runs are read, not trained again; missing ones listed.
    parts = run_forked(*args[:2], "--seeds=2", "--report_only", *args[3:])
    assert parts.returncode == 0, parts.stderr[-3000:]
    assert parts.stdout.count("done before") == 4 and ": training" not in parts.stdout
    assert parts.stdout.count("not run") == 4
    assert "not run: 0 keras seed 1235, 0 v1 seed 1235, 1 keras seed 1235" in (
        tmp_path / "ladder.md").read_text()
    assert "(1 seed)" in (tmp_path / "ladder.md").read_text()
    assert len(json.loads((tmp_path / "ladder.json").read_text())["missing"]) == 4
    assert (tmp_path / "confusion.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    for run in json.loads((tmp_path / "ladder.json").read_text())["runs"]:
        counts = run["test_confusion"]  # drawn from these, kept in metrics.json
        assert sum(map(sum, counts)) == 10000
        assert sum(counts[i][i] for i in range(10)) == round(run["test_accuracy"] * 10000)


def test_confusion_not_drawn_without_counts_or_model(tmp_path):
    from mnist_keras.report import writer

    best = {"stage": "9", "name": "experts_cnn", "api": "keras",
            "runs": [{"seed": 1234, "run_dir": str(tmp_path)}]}
    words = writer._confusion(best, runner=None, path=str(tmp_path / "c.png"))
    assert "not drawn" in words and "![" not in words
    assert not (tmp_path / "c.png").exists()


def test_a_resumed_runs_total_time_counts_its_periods_before_the_stop():
    from mnist_keras.report import tables

    def run(seed, wall, train):
        return {"stage": "10", "name": "stage10", "api": "keras", "change": "bn",
                "params": 1, "tutorial_accuracy": None, "test_accuracy": 0.99,
                "seconds_per_epoch": 1.0, "seed": seed, "diverged": False,
                "wall_time_s": wall, "train_seconds": train}

    # uninterrupted: its wall time (evaluation too); resumed: all its periods' training
    [row] = tables.summarize([run(1, 120.0, 100.0), run(2, 400.0, 1800.0)])
    assert row["total_seconds"] == 120.0 + 1800.0
