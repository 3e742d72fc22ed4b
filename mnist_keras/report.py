"""Tables and charts of finished runs: the ladder report's library.

Everything here reads what runs wrote (``metrics.json``, ``history.json``, ``model.keras``)
and never trains, so a report can be redrawn from a results directory at any time.
"""

from __future__ import annotations

import os
import platform
import statistics

import matplotlib

matplotlib.use("Agg")  # files only; no display on servers and CI
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def machine() -> dict:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version()}


def summarize(runs: list[dict]) -> list[dict]:
    """One row per (stage, api): mean and sd of test accuracy and speed over the seeds."""
    rows: dict[tuple, dict] = {}
    for run in runs:
        row = rows.setdefault((run["stage"], run["api"]), {
            "stage": run["stage"], "name": run["name"], "api": run["api"],
            "change": run["change"], "params": run["params"],
            "tutorial_accuracy": run["tutorial_accuracy"], "runs": []})
        row["runs"].append(run)
    for row in rows.values():
        accuracies = [r["test_accuracy"] for r in row["runs"]]
        row["accuracy_mean"] = statistics.fmean(accuracies)
        row["accuracy_sd"] = statistics.stdev(accuracies) if len(accuracies) > 1 else 0.0
        row["seconds_per_epoch"] = statistics.median(
            r["seconds_per_epoch"] for r in row["runs"])
        row["total_seconds"] = sum(r["wall_time_s"] for r in row["runs"])
        row["seeds"] = [r["seed"] for r in row["runs"]]
        row["diverged"] = sum(bool(r["diverged"]) for r in row["runs"])
    return list(rows.values())


def _accuracy_cell(row: dict | None) -> str:
    if row is None:
        return "-"
    if len(row["runs"]) == 1:
        cell = f"{row['accuracy_mean']:.4f} (1 seed)"
    else:
        cell = f"{row['accuracy_mean']:.4f} ± {row['accuracy_sd']:.4f}"
    if row["diverged"]:
        cell += f" (diverged {row['diverged']}/{len(row['runs'])})"
    return cell


def _verdict(stage_id: str, rows: list[dict]) -> str:
    """Stage 1 is meant to fail: say whether it did, so the failure is shown, not hidden."""
    if stage_id != "1":
        return ""
    failed = all(r["accuracy_mean"] < 0.5 for r in rows)
    return " **meant to fail: " + ("fails, as in the text**" if failed else "did NOT fail**")


def markdown_table(summary: list[dict]) -> str:
    """The ladder table: one line per stage, a column per API."""
    lines = ["| stage | what changed | params | tutorial's test acc. | Keras test acc. "
             "(mean ± sd) | v1 test acc. (mean ± sd) | s/epoch Keras | s/epoch v1 | "
             "total time |", "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for stage_id in dict.fromkeys(row["stage"] for row in summary):
        by_api = {r["api"]: r for r in summary if r["stage"] == stage_id}
        first = next(iter(by_api.values()))
        speed = {api: f"{r['seconds_per_epoch']:.2f}" for api, r in by_api.items()}
        total = sum(r["total_seconds"] for r in by_api.values())
        lines.append(
            f"| {stage_id} ({first['name']}) | {first['change']}"
            f"{_verdict(stage_id, list(by_api.values()))} | {first['params']:,} | "
            f"{first['tutorial_accuracy']} | {_accuracy_cell(by_api.get('keras'))} | "
            f"{_accuracy_cell(by_api.get('v1'))} | {speed.get('keras', '-')} | "
            f"{speed.get('v1', '-')} | {total / 60:.1f} min |")
    return "\n".join(lines) + "\n"


def accuracy_chart(summary: list[dict], path: str) -> None:
    """Bars per stage: the tutorial's test accuracy and ours per API, with sd whiskers."""
    stages = list(dict.fromkeys(row["stage"] for row in summary))
    apis = list(dict.fromkeys(row["api"] for row in summary))
    width = 0.8 / (1 + len(apis))
    x = np.arange(len(stages))
    fig, ax = plt.subplots(figsize=(max(8, 0.9 * len(stages)), 4.5))
    tutorial = [next(r for r in summary if r["stage"] == s)["tutorial_accuracy"]
                for s in stages]
    ax.bar(x - 0.4 + width / 2, tutorial, width, label="tutorial", color="0.6")
    for i, api in enumerate(apis, start=1):
        rows = [next((r for r in summary if r["stage"] == s and r["api"] == api), None)
                for s in stages]
        ax.bar(x - 0.4 + width * (i + 0.5), [r["accuracy_mean"] if r else 0 for r in rows],
               width, yerr=[r["accuracy_sd"] if r else 0 for r in rows], label=api)
    ax.set_xticks(x, stages, rotation=30, ha="right")
    ax.set_ylabel("test accuracy")
    ax.set_ylim(0, 1)
    ax.legend(loc="lower right")
    ax.set_title("MNIST tutorial ladder: the text's accuracy and this port's")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def learning_curves(histories: dict[str, list[dict]], title: str, path: str) -> None:
    """Cost per period and train/validation accuracy, one line per API."""
    fig, (cost_ax, acc_ax) = plt.subplots(1, 2, figsize=(10, 3.8))
    for api, history in histories.items():
        periods = [e["epoch"] for e in history]
        cost_ax.plot(periods, [e.get("loss") for e in history], marker=".", label=api)
        acc_ax.plot(periods, [e.get("accuracy") for e in history], marker=".",
                    label=f"{api} train")
        val = [(e["epoch"], e["val_accuracy"]) for e in history if "val_accuracy" in e]
        if val:
            acc_ax.plot(*zip(*val), linestyle="--", marker=".", label=f"{api} validation")
    cost_ax.set_yscale("log")
    cost_ax.set_title("cost (log scale)")
    acc_ax.set_title("accuracy")
    for ax in (cost_ax, acc_ax):
        ax.set_xlabel("epoch (or 100-step period)")
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def confusion_chart(counts: np.ndarray, title: str, path: str) -> None:
    """The confusion matrix as a heat map with its counts."""
    fig, ax = plt.subplots(figsize=(6, 5.4))
    ax.imshow(np.log1p(counts), cmap="Blues")
    for (i, j), n in np.ndenumerate(counts):
        ax.text(j, i, str(n), ha="center", va="center", fontsize=7,
                color="white" if i == j else "black")
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel("predicted")
    ax.set_ylabel("true label")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
