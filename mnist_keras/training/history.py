"""Per-period records: kept in order, shown in ``history.json``, optionally in TensorBoard."""

from __future__ import annotations

import os

import tensorflow as tf

from mnist_keras.training import atomic
from mnist_keras.training.run_dir import HISTORY_FILE, TENSORBOARD_DIR, RunDir


class History:
    """Each period's record once, in order.

    With ``tensorboard``, each record's numbers also go to TensorBoard event files under
    ``<run_dir>/tensorboard/{train,validation}`` (the layout Keras' callback uses), the
    same for both APIs.
    """

    def __init__(self, run_dir: RunDir, records=(), tensorboard: bool = False):
        self.run_dir = run_dir
        self.epochs: list[dict] = list(records)
        self._writers = None
        if tensorboard:
            logs = run_dir.file(TENSORBOARD_DIR)
            self._writers = {part: tf.summary.create_file_writer(os.path.join(logs, part))
                             for part in ("train", "validation")}

    def add(self, record: dict) -> None:
        """Appends the next period's record and rewrites ``history.json``."""
        expected = len(self.epochs) + 1
        if record["epoch"] != expected:
            raise ValueError(f"period {record['epoch']} recorded after {expected - 1}")
        self.epochs.append(record)
        atomic.write_json(self.run_dir.file(HISTORY_FILE), self.epochs)
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
