"""What every run prints and writes, whichever API trained it.

The printed lines are the tutorials' own (``Epoch: 0001 cost = 0.486314783``,
``Learning Finished!``, ``Accuracy(test): 0.9845``, ``Label:  [8]``, ...). The run
directory gets ``hparams.json``, ``history.json`` (one entry per epoch, rewritten after
each so an interrupted run keeps what it did), ``metrics.json`` and ``model.keras``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import platform
import random
import statistics
import tempfile

import keras
import numpy as np
import tensorflow as tf
from absl import logging

from mnist_keras.data import Split

HPARAMS_FILE = "hparams.json"
HISTORY_FILE = "history.json"
METRICS_FILE = "metrics.json"
MODEL_FILE = "model.keras"
TENSORBOARD_DIR = "tensorboard"


def _finite_or_none(value):
    """JSON has no NaN/inf: a diverged number is written as null."""
    if isinstance(value, dict):
        return {k: _finite_or_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite_or_none(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def write_json(path: str, obj) -> None:
    """Writes ``obj`` as JSON atomically (temporary file, then rename)."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump(_finite_or_none(obj), f, indent=2, allow_nan=False)
        f.write("\n")
    os.replace(tmp, path)


def read_json(path: str, default=None):
    """The JSON at ``path``, or ``default`` if there is no such file."""
    if not os.path.exists(path):
        return default
    with open(path) as f:
        return json.load(f)


def hparams_record(stage_id: str, name: str, hp, api: str, data) -> dict:
    """What ``hparams.json`` holds: the resolved hyperparameters and where they ran."""
    return {"stage": stage_id, "name": name, "api": api,
            "hparams_class": f"{type(hp).__module__}.{type(hp).__qualname__}",
            "hparams": dataclasses.asdict(hp),
            "data": {"source": data.source, "train_images": len(data.train),
                     "validation_images": len(data.validation) if data.validation else 0,
                     "test_images": len(data.test)},
            "versions": {"tensorflow": tf.__version__, "keras": keras.__version__,
                         "python": platform.python_version()}}


def start(run_dir: str, record: dict) -> None:
    """Creates the run directory and writes and logs the hyperparameters."""
    os.makedirs(run_dir, exist_ok=True)
    logging.info("stage %s (%s), api=%s, hyperparameters: %s", record["stage"],
                 record["name"], record["api"], record["hparams"])
    write_json(os.path.join(run_dir, HPARAMS_FILE), record)


class History:
    """Per-epoch records in ``history.json``, each epoch once, saved after every epoch.

    With ``tensorboard``, each record's numbers also go to TensorBoard event files under
    ``<run_dir>/tensorboard/{train,validation}`` (the layout Keras' callback uses), the
    same for both APIs.
    """

    def __init__(self, run_dir: str, tensorboard: bool = False):
        self.path = os.path.join(run_dir, HISTORY_FILE)
        self.epochs: list[dict] = []
        self._writers = None
        if tensorboard:
            logs = os.path.join(run_dir, TENSORBOARD_DIR)
            self._writers = {part: tf.summary.create_file_writer(os.path.join(logs, part))
                             for part in ("train", "validation")}

    def resume(self, completed: int) -> None:
        """Keeps the saved records of the first ``completed`` epochs (after a restore)."""
        saved = read_json(self.path, default=[])
        self.epochs = [e for e in saved if e["epoch"] <= completed]

    def add(self, record: dict) -> None:
        self.epochs = [e for e in self.epochs if e["epoch"] < record["epoch"]] + [record]
        write_json(self.path, self.epochs)
        if self._writers:
            self._summarize(record)

    def _summarize(self, record: dict) -> None:
        for key, value in record.items():
            if key in ("epoch", "seconds"):
                continue
            part = "validation" if key.startswith("val_") else "train"
            with self._writers[part].as_default():
                tf.summary.scalar("epoch_" + key.removeprefix("val_"), value,
                                  step=record["epoch"])
        for writer in self._writers.values():
            writer.flush()


def epoch_line(epoch: int, cost: float) -> str:
    """The texts' ``print('Epoch:', '%04d' % (epoch + 1), 'cost =', ...)``, 1-based."""
    return f"Epoch: {epoch:04d} cost = {cost:.9f}"


def step_line(step: int, accuracy: float) -> str:
    """The experts' text's ``"step %d, training accuracy %g"``."""
    return f"step {step}, training accuracy {accuracy:g}"


def score(logits: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(mean softmax cross-entropy, accuracy) of ``logits`` [n, 10] against sparse labels.

    Computed here, not by either framework, so both APIs are scored by the same code.
    """
    logits = logits.astype(np.float64)
    shifted = logits - logits.max(axis=1, keepdims=True)  # log-softmax without overflow
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(len(labels)), labels].mean()
    return float(loss), float(np.mean(np.argmax(logits, axis=1) == labels))


def confusion_matrix(labels: np.ndarray, predictions: np.ndarray) -> np.ndarray:
    """counts[true, predicted] over 10 classes."""
    counts = np.zeros((10, 10), dtype=np.int64)
    np.add.at(counts, (labels, predictions), 1)
    return counts


def print_results(train_accuracy: float, test_accuracy: float, test: Split,
                  test_logits: np.ndarray) -> None:
    """The texts' closing lines, with one random test image's label and prediction."""
    r = random.randint(0, len(test) - 1)  # the texts' random.randint; seeded in main
    print("Learning Finished!")
    print("Accuracy(train):", f"{train_accuracy:.7g}")
    print("Accuracy(test):", f"{test_accuracy:.4f}")
    print("Label: ", [int(test.labels[r])])
    print("Prediction: ", [int(np.argmax(test_logits[r]))], flush=True)


def train_speed(history: list[dict], images_per_epoch: int, train_images: int) -> dict:
    """Median training seconds per record, as seconds per pass over the train split."""
    seconds = [e["seconds"] for e in history if e.get("seconds")]
    if not seconds:
        return {"images_per_second": None, "seconds_per_epoch": None}
    rate = images_per_epoch / statistics.median(seconds)
    return {"images_per_second": rate, "seconds_per_epoch": train_images / rate}


def finish(run_dir: str, metrics: dict) -> dict:
    """Writes ``metrics.json``, warning if the run diverged; returns ``metrics``."""
    cost = metrics.get("final_cost")
    metrics["diverged"] = cost is None or not math.isfinite(cost)
    if metrics["diverged"]:
        logging.warning("the run diverged: final cost %s, test accuracy %.4f. Stage 1 "
                        "is meant to fail; elsewhere lower the learning rate.",
                        cost, metrics["test_accuracy"])
    write_json(os.path.join(run_dir, METRICS_FILE), metrics)
    return metrics


def fingerprint(weights: list[np.ndarray]) -> str:
    """SHA-256 of the weights' bytes in order: equal weights, equal fingerprints."""
    digest = hashlib.sha256()
    for w in weights:
        digest.update(np.ascontiguousarray(w).tobytes())
    return digest.hexdigest()


def metrics(stage_id: str, api: str, hp, data, history: list[dict], period_images: int, *,
            model: keras.Model, train_accuracy: float, test_logits: np.ndarray,
            wall_time_s: float) -> dict:
    """The numbers of one finished run, as ``metrics.json`` holds them.

    ``test_confusion`` (counts[true][predicted] on the test images) lets a report draw
    the run's confusion matrix without its model file, which is not committed.
    """
    test_loss, test_accuracy = score(test_logits, data.test.labels)
    predictions = np.argmax(test_logits, axis=1)
    return {"stage": stage_id, "api": api, "params": model.count_params(),
            "weights_sha256": fingerprint(model.get_weights()),
            "test_accuracy": test_accuracy, "test_loss": test_loss,
            "test_confusion": confusion_matrix(data.test.labels, predictions).tolist(),
            "train_accuracy": train_accuracy,
            "final_cost": history[-1]["loss"] if history else None,
            "epochs": hp.epochs if hp.steps is None else None, "steps": hp.steps,
            "periods": len(history), "train_images": len(data.train),
            "wall_time_s": wall_time_s,
            **train_speed(history, period_images, len(data.train))}
