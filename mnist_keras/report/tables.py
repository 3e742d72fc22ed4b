"""The ladder report's numbers: one row per stage and API, and the markdown table."""

from __future__ import annotations

import os
import platform
import statistics
import time


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


def matmul_gflops(n: int = 2048, repeats: int = 10, jit_compile: bool = False) -> float:
    """This machine's float32 matmul rate now: median of ``repeats`` n x n products, with
    TF's kernels or (``jit_compile``) XLA's."""
    import tensorflow as tf  # only where a run is about to be timed

    a, b = tf.random.normal([n, n]), tf.random.normal([n, n])
    product = tf.function(tf.matmul, jit_compile=jit_compile)
    product(a, b).numpy()  # traces and warms up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        product(a, b).numpy()
        times.append(time.perf_counter() - start)
    return 2 * n**3 / statistics.median(times) / 1e9


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
        # A resumed run's last process trained only its last periods.
        row["total_seconds"] = sum(max(r["wall_time_s"], r.get("train_seconds", 0.0))
                                   for r in row["runs"])
        row["seeds"] = [r["seed"] for r in row["runs"]]
        row["diverged"] = sum(bool(r["diverged"]) for r in row["runs"])
        rates = [r["machine"]["matmul_gflops"] for r in row["runs"] if r.get("machine")]
        row["matmul_gflops"] = statistics.median(rates) if rates else None
        computes = [r["training_tflop"] for r in row["runs"] if r.get("training_tflop")]
        row["training_tflop"] = statistics.median(computes) if computes else None
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


def _tflop(tflop: float | None) -> str:
    """A run's training compute, to 3 significant digits."""
    return "-" if tflop is None else f"{tflop:.3g}"


def _tutorial(accuracy: float | None) -> str:
    """The text's number, or a dash for the stages beyond the tutorials."""
    return "-" if accuracy is None else str(accuracy)


def _verdict(stage_id: str, rows: list[dict]) -> str:
    """Stage 1 is meant to fail: say whether it did, so the failure is shown, not hidden."""
    if stage_id != "1":
        return ""
    failed = all(r["accuracy_mean"] < 0.5 for r in rows)
    return " **meant to fail: " + ("fails, as in the text**" if failed else "did NOT fail**")


def markdown_table(summary: list[dict]) -> str:
    """The ladder table: one line per stage, a column per API."""
    lines = ["| stage | what changed | params | training TFLOP | tutorial's test acc. | "
             "Keras test acc. (mean ± sd) | v1 test acc. (mean ± sd) | s/epoch Keras | "
             "s/epoch v1 | total time | matmul GFLOP/s |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for stage_id in dict.fromkeys(row["stage"] for row in summary):
        by_api = {r["api"]: r for r in summary if r["stage"] == stage_id}
        first = next(iter(by_api.values()))
        speed = {api: f"{r['seconds_per_epoch']:.2f}" for api, r in by_api.items()}
        total = sum(r["total_seconds"] for r in by_api.values())
        rates = [r["machine"]["matmul_gflops"] for row in by_api.values()
                 for r in row["runs"] if r.get("machine")]
        lines.append(
            f"| {stage_id} ({first['name']}) | {first['change']}"
            f"{_verdict(stage_id, list(by_api.values()))} | {first['params']:,} | "
            f"{_tflop(first.get('training_tflop'))} | "
            f"{_tutorial(first['tutorial_accuracy'])} | {_accuracy_cell(by_api.get('keras'))} | "
            f"{_accuracy_cell(by_api.get('v1'))} | {speed.get('keras', '-')} | "
            f"{speed.get('v1', '-')} | {total / 60:.1f} min | "
            f"{f'{statistics.median(rates):.0f}' if rates else '-'} |")
    return "\n".join(lines) + "\n"
