"""The ladder's library: which runs, running (or reading) each, and writing the report."""

from __future__ import annotations

import os

import keras
import numpy as np

from mnist_keras import data, registry, report, runs, train, v1
from mnist_keras.nets import common

RUNS_DIR = "runs"  # under the output directory


def plan(stage_ids: list[str], apis: list[str], seeds: int) -> list[tuple[str, str, int]]:
    """(stage id, api, seed) for every run, stage by stage; seeds start at the text's."""
    return [(stage_id, api, registry.get(stage_id).HParams().seed + k)
            for stage_id in stage_ids for api in apis for k in range(seeds)]


class Runner:
    """Trains (or reads back) one run at a time, loading each data variant once."""

    def __init__(self, out: str, data_dir: str | None, train_examples: int | None,
                 epochs: int | None = None, steps: int | None = None):
        self.out, self.data_dir, self.train_examples = out, data_dir, train_examples
        self.epochs, self.steps = epochs, steps  # for epoch-mode and step-mode stages
        self._data: dict[bool, data.Mnist] = {}

    def data(self, full_train: bool) -> data.Mnist:
        if full_train not in self._data:
            self._data[full_train] = data.load(self.data_dir, full_train=full_train,
                                               train_examples=self.train_examples)
        return self._data[full_train]

    def run_dir(self, stage, api: str, seed: int) -> str:
        return os.path.join(self.out, RUNS_DIR, f"{stage.NAME}-{api}-seed{seed}")

    def run(self, step: int, total: int, stage_id: str, api: str, seed: int,
            train: bool = True) -> dict | None:
        """Trains one run unless it finished before; returns its record for the report.

        With ``train=False`` an unfinished run is not trained and the result is None.
        """
        stage = registry.get(stage_id)
        run_dir = self.run_dir(stage, api, seed)
        label = f"[{step}/{total}] stage {stage_id} ({stage.NAME}), {api}, seed {seed}"
        metrics = runs.read_json(os.path.join(run_dir, runs.METRICS_FILE))
        if metrics is None and not train:
            print(f"{label}: not run, listed as missing in the report", flush=True)
            return None
        if metrics is None:
            print(f"{label}: training", flush=True)
            metrics = self._train(stage, stage_id, api, seed, run_dir)
            keras.backend.clear_session()  # free the finished run's graphs and variables
        else:
            print(f"{label}: done before, read from {run_dir}", flush=True)
        print(f"{label}: test accuracy {metrics['test_accuracy']:.4f}, "
              f"{metrics['wall_time_s']:.0f} s", flush=True)
        return {**metrics, "stage": stage_id, "name": stage.NAME, "api": api, "seed": seed,
                "change": stage.CHANGE, "tutorial_accuracy": stage.TUTORIAL_ACCURACY,
                "run_dir": run_dir}

    def _train(self, stage, stage_id: str, api: str, seed: int, run_dir: str) -> dict:
        hp = stage.HParams()
        if hp.steps is None:
            hp = common.override(hp, seed=seed, epochs=self.epochs)
        else:
            hp = common.override(hp, seed=seed, steps=self.steps)
        keras.utils.set_random_seed(seed)  # once per run, as main does
        trainer = train.run if api == "keras" else v1.run
        return trainer(stage, stage_id, hp, self.data(hp.full_train), run_dir, verbose=0)


def write_report(records: list[dict], out: str, command: str, runner: Runner,
                 missing: list[tuple[str, str, int]] = ()) -> None:
    """ladder.json, ladder.md, ladder.png, curves/*.png and confusion.png under ``out``.

    ``missing`` names the planned (stage, api, seed) runs that have no results.
    """
    summary = report.summarize(records)
    machine = report.machine()
    missing = [{"stage": s, "api": a, "seed": seed} for s, a, seed in missing]
    runs.write_json(os.path.join(out, "ladder.json"), {
        "command": command, "machine": machine, "runs": records, "missing": missing,
        "summary": [{k: v for k, v in row.items() if k != "runs"} for row in summary]})
    report.accuracy_chart(summary, os.path.join(out, "ladder.png"))
    os.makedirs(os.path.join(out, "curves"), exist_ok=True)
    for stage_id in dict.fromkeys(r["stage"] for r in records):
        first = {}
        for r in records:
            if r["stage"] == stage_id and r["api"] not in first:
                first[r["api"]] = runs.read_json(os.path.join(r["run_dir"], runs.HISTORY_FILE))
        name = registry.get(stage_id).NAME
        report.learning_curves(first, f"stage {stage_id} ({name}), first seed",
                               os.path.join(out, "curves", f"{name}.png"))
    best = max(summary, key=lambda row: row["accuracy_mean"])
    confusion = _confusion(best, runner, os.path.join(out, "confusion.png"))
    with open(os.path.join(out, "ladder.md"), "w") as f:
        f.write(_markdown(summary, command, machine, confusion, missing))


def _confusion(best: dict, runner: Runner, path: str) -> str:
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
                f"{runs.MODEL_FILE} (train it again to draw it)")
    title = f"{name}: test accuracy {np.trace(counts) / counts.sum():.4f}"
    report.confusion_chart(counts, title, path)
    return title + ".\n\n![confusion matrix](confusion.png)"


def _test_confusion(run: dict, runner: Runner) -> np.ndarray | None:
    if "test_confusion" in run:
        return np.array(run["test_confusion"])
    model_file = os.path.join(run["run_dir"], runs.MODEL_FILE)
    if not os.path.exists(model_file):
        return None
    from mnist_keras.nets import layers  # noqa: F401  (registers the nets' Keras classes)

    model = keras.models.load_model(model_file, compile=False)  # inference only
    test = runner.data(False).test
    return runs.confusion_matrix(test.labels, np.argmax(train.logits_of(model, test.images), 1))


def _markdown(summary: list[dict], command: str, machine: dict, confusion: str,
              missing: list[dict]) -> str:
    seeds = max(len(row["runs"]) for row in summary)
    if missing:
        named = ", ".join(f"{m['stage']} {m['api']} seed {m['seed']}" for m in missing)
        seeds = f"{seeds}, except where a cell says fewer; not run: {named}"
    return (f"# The ladder, measured\n\nCommand: `{command}`  \n"
            f"Machine: {machine['cpu']}, {machine['cores']} cores, Python "
            f"{machine['python']}  \nSeeds per stage and API: {seeds} (the text's seed, "
            "+1, +2). Accuracy is on the 10,000 test images; s/epoch is the median "
            "training time per pass over the training split (55,000 images, or 60,000 "
            "for keras_dropout; for the step-mode stages, per 55,000 images); total time "
            "is all seeds of both APIs, evaluation included.\n\n"
            + report.markdown_table(summary)
            + f"\n![accuracy per stage](ladder.png)\n\nConfusion matrix of the best: "
            f"{confusion}\n")
