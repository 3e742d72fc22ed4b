"""The ladder report's charts: test error per stage, learning curves, a confusion matrix.

Everything here draws what runs wrote and never trains, so a report can be redrawn from
a results directory at any time.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")  # files only; no display on servers and CI
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

GOAL_ACCURACY = 0.997  # the rungs beyond the tutorials aim at it: a 0.3% test error


def error_chart(summary: list[dict], path: str) -> None:
    """Test *error* per stage on a log scale, the tutorial's and ours per API, with sd.

    On an accuracy axis from 0 to 1, 98.4% and 99.7% look the same; as errors, 1.6% and
    0.3% are five times apart. Stages beyond the tutorials have no tutorial bar.
    """
    stages = list(dict.fromkeys(row["stage"] for row in summary))
    apis = list(dict.fromkeys(row["api"] for row in summary))
    width = 0.8 / (1 + len(apis))
    x = np.arange(len(stages))
    fig, ax = plt.subplots(figsize=(max(8, 0.7 * len(stages)), 4.8))
    tutorial = [next(r for r in summary if r["stage"] == s)["tutorial_accuracy"]
                for s in stages]
    known = [i for i, t in enumerate(tutorial) if t is not None]
    ax.bar(x[known] - 0.4 + width / 2, [1 - tutorial[i] for i in known], width,
           label="tutorial", color="0.6")
    for i, api in enumerate(apis, start=1):
        rows = [next((r for r in summary if r["stage"] == s and r["api"] == api), None)
                for s in stages]
        shown = [j for j, r in enumerate(rows) if r is not None]
        ax.bar(x[shown] - 0.4 + width * (i + 0.5),
               [1 - rows[j]["accuracy_mean"] for j in shown], width,
               yerr=[rows[j]["accuracy_sd"] for j in shown], label=api)
    # The goal of the rungs beyond the tutorials (a single model, 3 seeds' mean).
    ax.axhline(1 - GOAL_ACCURACY, color="0.3", linestyle="--", linewidth=1,
               label=f"{GOAL_ACCURACY:.2%} goal")
    ax.set_yscale("log")
    ax.set_xticks(x, stages, rotation=30, ha="right")
    ax.set_ylabel("test error (1 - accuracy), log scale")
    ax.legend(loc="upper right")
    ax.set_title("MNIST ladder: the text's test error and this port's")
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
