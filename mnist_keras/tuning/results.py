"""A search's trials as a table and as ``results.json``; the lines that report them."""

from __future__ import annotations


import keras_tuner as kt

from mnist_keras.tuning.hypermodel import OBJECTIVE, TRIAL_METRICS

COMPLETED = kt.engine.trial.TrialStatus.COMPLETED
FAILED = kt.engine.trial.TrialStatus.FAILED


def last_line(message: str | None) -> str:
    """The last non-empty line of a traceback: the exception and its message."""
    lines = [line.strip() for line in (message or "").splitlines() if line.strip()]
    return lines[-1] if lines else f"no traceback: {OBJECTIVE} was missing or NaN"


def trial_line(trial_id: str, tuner_id: str, ok: bool, summary: dict | None,
               message: str | None) -> str:
    """One line of progress for a finished trial."""
    if not ok:
        return f"trial {trial_id} [{tuner_id}] FAILED: {last_line(message)}"
    early = ", stopped early" if summary["stopped_early"] else ""
    return (f"trial {trial_id} [{tuner_id}] COMPLETED: {OBJECTIVE} "
            f"{summary[OBJECTIVE]:.4f} at epoch {summary['best_epoch']} of "
            f"{summary['last_epoch']}{early}")


def status_of(trial) -> str:
    """COMPLETED, FAILED (it raised, or its objective was NaN) or UNFINISHED (cut off)."""
    if trial.status == COMPLETED:
        return COMPLETED
    return FAILED if trial.status in (FAILED, "INVALID") else "UNFINISHED"


def trial_record(trial) -> dict:
    """One trial as ``results.json`` lists it."""
    values = dict(trial.hyperparameters.values)
    metrics = {name: (trial.metrics.get_last_value(name) if trial.metrics.exists(name)
                      else None) for name in (OBJECTIVE, *TRIAL_METRICS)}
    for name in ("best_epoch", "epochs_run", "last_epoch", "stopped_early"):
        metrics[name] = None if metrics[name] is None else int(metrics[name])
    return {"trial_id": trial.trial_id, "status": status_of(trial),
            **metrics, "stopped_early": bool(metrics["stopped_early"]),
            "warm_start_from": values.get("tuner/trial_id"),
            "hyperparameters": {k: v for k, v in values.items()
                                if not k.startswith("tuner/")},
            "error": last_line(trial.message) if status_of(trial) == FAILED else None}


def trial_records(trials) -> list[dict]:
    """Completed trials best first (with their ``rank``), then the failed ones."""
    records = sorted((trial_record(t) for t in trials), key=lambda r: int(r["trial_id"]))
    done = sorted((r for r in records if r["status"] == COMPLETED),
                  key=lambda r: -r[OBJECTIVE])
    for rank, record in enumerate(done, start=1):
        record["rank"] = rank
    return done + [r for r in records if r["status"] != COMPLETED]


def count(records: list[dict]) -> dict:
    """How many trials completed, failed, or were cut off (a killed run's last)."""
    return {status: sum(r["status"] == status for r in records)
            for status in (COMPLETED, FAILED, "UNFINISHED")}


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return "-" if value is None else str(value)


def format_table(records: list[dict], top: int = 10) -> str:
    """The ``top`` completed trials as a text table, then a line per failed trial."""
    done = [r for r in records if r["status"] == COMPLETED][:top]
    names = sorted({name for r in done for name in r["hyperparameters"]})
    warm = any(r["warm_start_from"] for r in done)  # Hyperband continues earlier trials
    header = ["rank", "trial", OBJECTIVE, "epochs", "best_epoch", *(["from"] * warm), *names]
    rows = [[str(r["rank"]), r["trial_id"], f"{r[OBJECTIVE]:.4f}",
             f"{r['last_epoch']}{' (early)' if r['stopped_early'] else ''}",
             str(r["best_epoch"]), *([_cell(r["warm_start_from"])] * warm),
             *(_cell(r["hyperparameters"].get(n)) for n in names)]
            for r in done]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
             for row in ([header, *rows] if rows else [])]
    counts = count(records)
    lines.insert(0, f"Top {len(done)} of {counts[COMPLETED]} completed trials "
                    f"({counts[FAILED]} failed), by {OBJECTIVE} on the validation split:")
    lines += [f"{r['status']} trial {r['trial_id']}: {r['error'] or 'cut off'}"
              for r in records if r["status"] != COMPLETED]
    return "\n".join(lines)


