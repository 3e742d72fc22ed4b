"""Files written whole or not at all, readable by everyone (mode 0644), and durable.

Each write goes to a temporary file beside its target, is flushed to disk, and is then
renamed over the target, so a kill at any instant leaves the old file or the new one,
never a mix. Every write point of the project's run files goes through this module.
"""

from __future__ import annotations

import json
import math
import os
import uuid

import numpy as np

FILE_MODE = 0o644  # as model.keras and every other file a user gets


def sync_dir(directory: str) -> None:
    """Flushes a directory's entries (a rename or a removal) to disk."""
    fd = os.open(directory or ".", os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temporary_path(path: str) -> str:
    """A unique name beside ``path`` for writing it; never mistaken for a run file."""
    directory, name = os.path.split(path)
    return os.path.join(directory, f".{name}.{uuid.uuid4().hex[:8]}.tmp")


def replace(source: str, target: str) -> None:
    """Renames ``source`` over ``target`` (atomic on one file system), durably."""
    os.replace(source, target)
    sync_dir(os.path.dirname(target))


def write_bytes(path: str, data: bytes) -> None:
    """Writes ``data`` to ``path`` atomically and durably, mode 0644."""
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    tmp = temporary_path(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, FILE_MODE)  # whatever the umask
        replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def finite_or_none(value):
    """JSON has no NaN/inf: a diverged number is written as null."""
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite_or_none(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value


def write_json(path: str, obj) -> None:
    """Writes ``obj`` as indented JSON, atomically (see :func:`write_bytes`)."""
    text = json.dumps(finite_or_none(obj), indent=2, allow_nan=False) + "\n"
    write_bytes(path, text.encode())


def read_json(path: str, default=None):
    """The JSON at ``path``, or ``default`` if there is no such file."""
    if not os.path.exists(path):
        return default
    with open(path) as f:
        return json.load(f)


def remove(path: str) -> None:
    """Removes a file if it is there."""
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


def sync_file(path: str) -> None:
    """Flushes a file that another writer (h5py, TF's Saver) wrote, to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
