"""MNIST from tensorflow-datasets: the explicit alternative to the shipped IDX files.

``tfds.load('mnist')`` downloads the dataset once and caches it. Offline, its download
manager retries for minutes before it gives up, so before a download this module checks
in a few seconds that the download host can be reached, and otherwise fails with one
line. tensorflow-datasets keeps the training images in its own order: on this path the
validation split has TF1's size (5,000) but not TF1's members.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import urllib.parse

import numpy as np

from mnist_keras.data.idx import IMAGE_SIZE, DataError

# tensorflow-datasets fetches MNIST (and its prepared copy) from Google Cloud Storage.
DOWNLOAD_HOST = ("storage.googleapis.com", 443)
PROBE_SECONDS = 3.0  # a reachable host answers a TCP connect well within this


def download_endpoint() -> tuple[str, int]:
    """Where a download connects first: the HTTPS proxy if one is set, else the host."""
    proxy = os.environ.get("https_proxy") or os.environ.get("HTTPS_PROXY")
    if proxy:
        parts = urllib.parse.urlsplit(proxy if "//" in proxy else "//" + proxy)
        if parts.hostname:
            return parts.hostname, parts.port or 443
    return DOWNLOAD_HOST


def require_network(cache_dir: str) -> None:
    """Raises :class:`DataError` in seconds when a download could not even connect."""
    host, port = download_endpoint()
    try:
        socket.create_connection((host, port), timeout=PROBE_SECONDS).close()
    except OSError as e:
        reason = e.strerror or str(e) or type(e).__name__
        raise DataError(f"tensorflow-datasets has no prepared MNIST in {cache_dir} and "
                        f"cannot reach {host}:{port} to download it ({reason}); drop "
                        "--data=tfds to use the IDX files shipped with mnist-keras") from None


class _UnpreparedFolder(logging.Filter):
    """Drops tfds' warning that a dataset folder has no ``dataset_info.json``: it only
    says that MNIST is not prepared there, which :func:`require_network` says in full."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "has no dataset_info.json" not in record.getMessage()


@contextlib.contextmanager
def _no_unprepared_folder_warning():
    absl_logger, unprepared = logging.getLogger("absl"), _UnpreparedFolder()
    absl_logger.addFilter(unprepared)
    try:
        yield
    finally:
        absl_logger.removeFilter(unprepared)


def load(data_dir: str | None = None) -> dict[str, np.ndarray]:
    """MNIST's four arrays (uint8 images [n, 784], labels [n]) from tensorflow-datasets.

    Args:
      data_dir: tensorflow-datasets' cache (default: its own, ``$TFDS_DATA_DIR`` or
        ``~/tensorflow_datasets``).
    """
    import tensorflow_datasets as tfds  # heavy import, only on this path

    with _no_unprepared_folder_warning():
        builder = tfds.builder("mnist", data_dir=data_dir)
        prepared = builder.is_prepared()
    if not prepared:
        require_network(builder.data_dir)
    try:
        splits = tfds.load("mnist", split=["train", "test"], as_supervised=True,
                           data_dir=data_dir)
        # Batches of 10,000 rather than batch_size=-1, which crashes tfds' mock data.
        (train_x, train_y), (test_x, test_y) = [
            [np.concatenate(parts) for parts in zip(*tfds.as_numpy(ds.batch(10000)))]
            for ds in splits]
    except Exception as e:  # tfds raises many types for broken downloads and caches
        message = str(e).strip().splitlines()[0] if str(e).strip() else ""
        raise DataError(f"tensorflow-datasets could not load 'mnist' ({type(e).__name__}"
                        f"{': ' + message if message else ''})") from None
    return {"train_images": train_x.reshape(len(train_x), IMAGE_SIZE),
            "train_labels": train_y.astype(np.uint8),
            "test_images": test_x.reshape(len(test_x), IMAGE_SIZE),
            "test_labels": test_y.astype(np.uint8)}
