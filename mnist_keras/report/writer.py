"""Writes a ladder report: ``ladder.md``, ``ladder.json`` and the charts."""

from __future__ import annotations

import os

import keras
import numpy as np

from mnist_keras import registry
from mnist_keras.report import charts, ladder_runs, tables
from mnist_keras.training import atomic, scoring
from mnist_keras.training.records import confusion_matrix
from mnist_keras.training.run_dir import HISTORY_FILE, MODEL_FILE


def write_report(records: list[dict], out: str, command: str, runner: ladder_runs.Runner,
                 missing: list[tuple[str, str, int]] = ()) -> None:
    """ladder.json, ladder.md, ladder.png, curves/*.png and confusion.png under ``out``.

    ``missing`` names the planned (stage, api, seed) runs that have no results.
    """
    summary = tables.summarize(records)
    machine = tables.machine()
    missing = [{"stage": s, "api": a, "seed": seed} for s, a, seed in missing]
    atomic.write_json(os.path.join(out, "ladder.json"), {
        "command": command, "machine": machine, "runs": records, "missing": missing,
        "summary": [{k: v for k, v in row.items() if k != "runs"} for row in summary]})
    charts.error_chart(summary, os.path.join(out, "ladder.png"))
    os.makedirs(os.path.join(out, "curves"), exist_ok=True)
    for stage_id in dict.fromkeys(r["stage"] for r in records):
        first = {}
        for r in records:
            if r["stage"] == stage_id and r["api"] not in first:
                first[r["api"]] = atomic.read_json(os.path.join(r["run_dir"], HISTORY_FILE))
        name = registry.get(stage_id).NAME
        charts.learning_curves(first, f"stage {stage_id} ({name}), first seed",
                               os.path.join(out, "curves", f"{name}.png"))
    best = max(summary, key=lambda row: row["accuracy_mean"])
    confusion = _confusion(best, runner, os.path.join(out, "confusion.png"))
    with open(os.path.join(out, "ladder.md"), "w") as f:
        f.write(_markdown(summary, command, machine, confusion, missing))


def _confusion(best: dict, runner: ladder_runs.Runner, path: str) -> str:
    """Draws the best row's first run's confusion matrix on the test set.

    The counts come from the run's ``metrics.json``; runs made before it held them are
    scored again from their ``model.keras``, which is not committed.

    Returns:
      The report's words for it: its title and the image, or why there is none.
    """
    run = best["runs"][0]
    counts = _test_confusion(run, runner)
    name = f"stage {best['stage']} ({best['name']}), {best['api']}, seed {run['seed']}"
    if counts is None:
        return (f"{name}; not drawn: its run has no test_confusion in metrics.json and no "
                f"{MODEL_FILE} (train it again to draw it)")
    title = f"{name}: test accuracy {np.trace(counts) / counts.sum():.4f}"
    charts.confusion_chart(counts, title, path)
    return title + ".\n\n![confusion matrix](confusion.png)"


def _test_confusion(run: dict, runner: ladder_runs.Runner) -> np.ndarray | None:
    if "test_confusion" in run:
        return np.array(run["test_confusion"])
    model_file = os.path.join(run["run_dir"], MODEL_FILE)
    if not os.path.exists(model_file):
        return None
    model = keras.models.load_model(model_file, compile=False)  # inference only
    test = runner.data(False).test
    logits = scoring.batched_logits(model.predict_on_batch, test.images)
    return confusion_matrix(test.labels, np.argmax(logits, 1))


def _markdown(summary: list[dict], command: str, machine: dict, confusion: str,
              missing: list[dict]) -> str:
    seeds = max(len(row["runs"]) for row in summary)
    if missing:
        named = ", ".join(f"{m['stage']} {m['api']} seed {m['seed']}" for m in missing)
        seeds = f"{seeds}, except where a cell says fewer; not run: {named}"
    return (f"# The ladder, measured\n\nCommand: `{command}`  \n"
            f"Reported on: {machine['cpu']}, {machine['cores']} cores, Python "
            f"{machine['python']}  \nSeeds per stage and API: {seeds} (the text's seed, "
            "+1, +2). Accuracy is on the 10,000 test images; training TFLOP is one run's "
            "training compute (2 FLOP per multiply-add of its Dense and Conv2D layers, "
            "three products a layer, times the images it trained on; the rungs beyond "
            "stage 9 may take twice stage 9's); s/epoch is the median "
            "training time per pass over the run's training images (60,000 for "
            "keras_dropout and stages 13 on, else 55,000; for the step-mode stages, the time "
            "that many images take); matmul "
            "GFLOP/s is the machine's float32 matmul rate measured before each run (the "
            "median of the row's runs; '-' for runs made before it was recorded, on an "
            "Intel Xeon); total time is all seeds of both APIs, evaluation included (for "
            "a run resumed after a stop, the training time of all its periods where that "
            "is more than its last process's wall time).\n\n"
            + tables.markdown_table(summary)
            + f"\n![test error per stage](ladder.png)\n\nConfusion matrix of the best: "
            f"{confusion}\n")
