"""A run directory: one configuration, one live process, progress committed atomically.

Files, all written through ``atomic`` (whole or not at all, mode 0644):

- ``hparams.json``: the configuration, recorded at the first start: stage, API, the
  tutorial's hyperparameters, the execution (apart), the data source with its
  checksums and sizes. A later start whose configuration differs in anything that
  changes a number is refused, naming the fields.
- ``progress.json``: the committed progress: how many periods are done, their history,
  and the checkpoint holding the weights and optimizer state after them. It is renamed
  into place after the checkpoint is complete, so one rename commits a period's
  checkpoint and its history together; a kill at any instant loses no committed period
  and repeats none.
- ``progress/``: checkpoints; only the committed one outlives the next commit.
- ``history.json``: one record per period, for people and plots.
- ``model.keras``, ``metrics.json``: the finished run; ``metrics.json`` is written last,
  and a directory that has it holds a finished run.
- ``.lock``: held (``flock``) by the process training here, so a second one is refused;
  the kernel releases it when its process dies, so a killed run never blocks.
"""

from __future__ import annotations

import dataclasses
import fcntl
import json
import os
import shutil
from typing import Callable

from mnist_keras.errors import InputError
from mnist_keras.training import atomic

HPARAMS_FILE = "hparams.json"
PROGRESS_FILE = "progress.json"
PROGRESS_DIR = "progress"
HISTORY_FILE = "history.json"
METRICS_FILE = "metrics.json"
MODEL_FILE = "model.keras"
LOCK_FILE = ".lock"
V1_CHECKPOINT_DIR = "v1_checkpoint"  # a TF1 run's final variables (Saver)
TENSORBOARD_DIR = "tensorboard"
OWN_FILES = (HPARAMS_FILE, PROGRESS_FILE, PROGRESS_DIR, HISTORY_FILE, METRICS_FILE,
             MODEL_FILE, V1_CHECKPOINT_DIR, TENSORBOARD_DIR)
# What must be equal for a start to continue a run: everything that changes a number.
IDENTITY = ("stage", "name", "api", "hparams_class", "hparams", "numerics",
            "data.sha256", "data.train_images", "data.validation_images",
            "data.test_images")


class RunDirError(InputError):
    """A run directory that cannot be used as asked; the message is one line."""


@dataclasses.dataclass(frozen=True)
class Progress:
    """Committed progress: ``periods_done`` periods, their records, their checkpoint."""

    periods_done: int = 0
    history: tuple = ()
    checkpoint: str | None = None  # a path prefix inside the run directory


def check_writable(path: str, what: str = "--model_dir") -> None:
    """Checks that ``path`` is, or can be made, a directory that files can be written in,
    without creating it: a file is written and removed in its nearest existing ancestor.

    Raises:
      RunDirError: one line naming ``what`` and the reason.
    """
    existing = os.path.abspath(path)
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise RunDirError(f"{what}={path}: {existing} exists and is not a directory")
    probe = atomic.temporary_path(os.path.join(existing, "probe"))
    try:
        with open(probe, "wb"):
            pass
        os.remove(probe)
    except OSError as e:
        raise RunDirError(f"{what}={path}: cannot write in {existing} "
                          f"({e.strerror or e})") from None


def _flat(record: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in record.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def differences(saved: dict, wanted: dict) -> list[str]:
    """The fields of :data:`IDENTITY` in which two configurations differ, as text.

    Both are compared as JSON holds them (a tuple is a list there).
    """
    saved, wanted = (_flat(json.loads(json.dumps(atomic.finite_or_none(r))))
                     for r in (saved, wanted))
    keys = [k for k in dict.fromkeys([*saved, *wanted])
            if any(k == field or k.startswith(field + ".") for field in IDENTITY)]
    return [f"{k}={saved.get(k)!r} (now {wanted.get(k)!r})" for k in keys
            if saved.get(k) != wanted.get(k)]


class RunDir:
    """The files of one run; :meth:`start` locks the directory for this process."""

    def __init__(self, path: str):
        self.path = path
        self._lock_fd: int | None = None

    def file(self, name: str) -> str:
        return os.path.join(self.path, name)

    def start(self, record: dict, restart: bool = False) -> dict | None:
        """Locks the directory and records (or checks) the configuration.

        Args:
          record: this start's ``hparams.json`` (``records.run_record``).
          restart: discard whatever run the directory holds first.

        Returns:
          The metrics of the finished run it holds, or None to train.

        Raises:
          RunDirError: in use by another process, or holding another configuration.
        """
        check_writable(self.path)
        os.makedirs(self.path, exist_ok=True)
        self._lock()
        if restart:
            self._discard()
        saved = self._read(HPARAMS_FILE)
        if saved is not None:
            diff = differences(saved, record)
            if diff:
                raise RunDirError(f"{self.path} holds another run: {'; '.join(diff)}. Use "
                                  "another --model_dir, or --restart to discard it")
        finished = self._read(METRICS_FILE)
        if finished is None:
            atomic.write_json(self.file(HPARAMS_FILE), record)
        else:  # a kill between finish's writes leaves its checkpoints behind
            self._drop_progress()
        return finished

    def close(self) -> None:
        """Releases the lock (a dead process's lock is released by the kernel)."""
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    def __enter__(self) -> "RunDir":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _lock(self) -> None:
        fd = os.open(self.file(LOCK_FILE), os.O_RDWR | os.O_CREAT, atomic.FILE_MODE)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise RunDirError(f"{self.path} is in use by another run (pid {holder}); wait "
                              "for it to end, or use another --model_dir") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._lock_fd = fd

    def _read(self, name: str):
        try:
            return atomic.read_json(self.file(name))
        except ValueError as e:
            raise RunDirError(f"{self.file(name)}: not valid JSON ({e}); use --restart to "
                              "discard the run") from None

    def _discard(self) -> None:
        for name in OWN_FILES:
            path = self.file(name)
            if os.path.isdir(path):
                shutil.rmtree(path)
            else:
                atomic.remove(path)

    def progress(self) -> Progress:
        """The committed progress; checkpoints it does not name are deleted."""
        saved = self._read(PROGRESS_FILE)
        progress = Progress() if saved is None else Progress(
            saved["periods_done"], tuple(saved["history"]), saved["checkpoint"])
        self._prune(progress.checkpoint)
        atomic.write_json(self.file(HISTORY_FILE), list(progress.history))
        return progress

    def commit(self, periods_done: int, history: list[dict],
               save: Callable[[str], list[str]]) -> None:
        """Commits ``periods_done`` periods: their checkpoint, then the manifest.

        Args:
          save: writes the checkpoint at a path prefix and returns the files it wrote.
        """
        checkpoint = os.path.join(PROGRESS_DIR, f"period-{periods_done:06d}")
        os.makedirs(self.file(PROGRESS_DIR), exist_ok=True)
        for path in save(self.file(checkpoint)):
            atomic.sync_file(path)  # on disk before the manifest names it
        atomic.write_json(self.file(PROGRESS_FILE), {
            "periods_done": periods_done, "checkpoint": checkpoint, "history": history})
        self._prune(checkpoint)

    def _prune(self, keep: str | None) -> None:
        """Deletes checkpoint files other than ``keep``'s (uncommitted or superseded)."""
        directory = self.file(PROGRESS_DIR)
        if not os.path.isdir(directory):
            return
        kept = os.path.basename(keep) + "." if keep else None
        for name in os.listdir(directory):
            if kept is None or not name.startswith(kept):
                atomic.remove(os.path.join(directory, name))

    def finish(self, metrics: dict) -> None:
        """Writes ``metrics.json`` (the run is finished), then drops the checkpoints."""
        atomic.write_json(self.file(METRICS_FILE), metrics)
        self._drop_progress()

    def _drop_progress(self) -> None:
        atomic.remove(self.file(PROGRESS_FILE))
        shutil.rmtree(self.file(PROGRESS_DIR), ignore_errors=True)
