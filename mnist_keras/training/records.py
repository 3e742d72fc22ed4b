"""What a run records: ``hparams.json`` at its start, ``metrics.json`` at its end."""

from __future__ import annotations

import dataclasses
import hashlib
import platform
import statistics

import keras
import numpy as np
import tensorflow as tf

from mnist_keras.data.mnist import NUM_CLASSES, Mnist
from mnist_keras.execution.settings import Execution
from mnist_keras.nets.hparams import Training
from mnist_keras.training import schedule, scoring


def run_record(stage_id: str, name: str, api: str, hp: Training, data: Mnist,
               execution: Execution | None, strategy: str = "default") -> dict:
    """``hparams.json``: the tutorial's hyperparameters and, apart, how the run executed.

    Args:
      execution: the Keras model's; None for a TF1 run (its Session runs TF's kernels).
      strategy: the tf.distribute strategy's name (``training.strategies``).
    """
    executed = None if execution is None else {**dataclasses.asdict(execution),
                                               "strategy": strategy}
    numerics = {"api": api} if execution is None else {**execution.numerics(),
                                                        "strategy": strategy}
    return {"stage": stage_id, "name": name, "api": api,
            "hparams_class": f"{type(hp).__module__}.{type(hp).__qualname__}",
            "hparams": dataclasses.asdict(hp),
            "execution": executed, "numerics": numerics,
            "data": {"source": data.source, "sha256": data.sha256,
                     "train_images": len(data.train),
                     "validation_images": len(data.validation) if data.validation else 0,
                     "test_images": len(data.test)},
            "versions": {"tensorflow": tf.__version__, "keras": keras.__version__,
                         "python": platform.python_version()}}


def fingerprint(weights: list[np.ndarray]) -> str:
    """SHA-256 of the weights' bytes in order: equal weights, equal fingerprints."""
    digest = hashlib.sha256()
    for w in weights:
        digest.update(np.ascontiguousarray(w).tobytes())
    return digest.hexdigest()


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray) -> np.ndarray:
    """counts[true, predicted] over 10 classes."""
    counts = np.zeros((NUM_CLASSES, NUM_CLASSES), dtype=np.int64)
    np.add.at(counts, (labels, predictions), 1)
    return counts


def train_speed(history: list[dict], images_per_period: int, train_images: int) -> dict:
    """Median training seconds per record, as seconds per pass over the train split."""
    seconds = [e["seconds"] for e in history if e.get("seconds")]
    if not seconds:
        return {"images_per_second": None, "seconds_per_epoch": None}
    rate = images_per_period / statistics.median(seconds)
    return {"images_per_second": rate, "seconds_per_epoch": train_images / rate}


def metrics(stage_id: str, api: str, hp: Training, data: Mnist, history: list[dict], *,
            weights: list[np.ndarray], params: int, train_accuracy: float,
            test_logits: np.ndarray, wall_time_s: float) -> dict:
    """The numbers of one finished run, as ``metrics.json`` holds them.

    ``test_confusion`` (counts[true][predicted] on the test images) lets a report draw
    the run's confusion matrix without its model file, which is not committed.
    """
    test_loss, test_accuracy = scoring.score(test_logits, data.test.labels)
    predictions = np.argmax(test_logits, axis=1)
    final_cost = history[-1]["loss"] if history else None
    return {"stage": stage_id, "api": api, "params": params,
            "weights_sha256": fingerprint(weights),
            "test_accuracy": test_accuracy, "test_loss": test_loss,
            "test_confusion": confusion_matrix(data.test.labels, predictions).tolist(),
            "train_accuracy": train_accuracy,
            "final_cost": final_cost,
            "diverged": final_cost is None or not np.isfinite(final_cost),
            "epochs": hp.epochs if hp.steps is None else None, "steps": hp.steps,
            "periods": len(history), "train_images": len(data.train),
            "wall_time_s": wall_time_s,
            **train_speed(history, schedule.period_images(hp, len(data.train)),
                          len(data.train))}
