"""MNIST for the tutorials: verified IDX files or tensorflow-datasets, TF1's splits, tf.data.

Where the data comes from, in order:

1. A directory of the four standard IDX files (``train-images-idx3-ubyte`` and friends,
   gzipped or not), given as ``data_dir`` (the ``--data_dir`` flag) or the
   ``MNIST_DATA_DIR`` environment variable. Every file is checked before use: gzip
   stream, IDX header (magic number, count, 28x28), exact size and the SHA-256 of the
   official content. Anything wrong is a :class:`DataError` naming the file.
2. Otherwise ``tfds.load('mnist')``, which downloads once (needs a network) and caches.

Splits follow TF1's ``input_data.read_data_sets``: validation is the *first* 5,000
training images, train the other 55,000, test the 10,000 test images. The Keras texts
train on all 60,000 (``full_train=True``). tensorflow-datasets stores the training images
in its own order, so on that path the 5,000/55,000 split has the right sizes but other
members than TF1's; only the IDX files reproduce TF1's split exactly.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import itertools
import os
import zlib

import numpy as np
import tensorflow as tf

ENV_VAR = "MNIST_DATA_DIR"
VALIDATION_SIZE = 5000  # images; TF1 read_data_sets' default
NUM_CLASSES = 10
IMAGE_SIDE = 28  # pixels
IMAGE_SIZE = IMAGE_SIDE * IMAGE_SIDE


class DataError(Exception):
    """MNIST data is missing, unreadable or not the official content."""


@dataclasses.dataclass(frozen=True)
class IdxSpec:
    """What one official IDX file must be."""

    name: str
    magic: int  # 2051 (0x803) for images, 2049 (0x801) for labels
    count: int
    sha256: str  # of the uncompressed content

    @property
    def header_size(self) -> int:
        return 16 if self.magic == 2051 else 8

    @property
    def size(self) -> int:
        item = IMAGE_SIZE if self.magic == 2051 else 1
        return self.header_size + self.count * item


# SHA-256 of the official, uncompressed files (yann.lecun.com, as mirrored by TF/Keras).
IDX_FILES = {
    "train_images": IdxSpec(
        "train-images-idx3-ubyte", 2051, 60000,
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
    "train_labels": IdxSpec(
        "train-labels-idx1-ubyte", 2049, 60000,
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    "test_images": IdxSpec(
        "t10k-images-idx3-ubyte", 2051, 10000,
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
    "test_labels": IdxSpec(
        "t10k-labels-idx1-ubyte", 2049, 10000,
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
}


@dataclasses.dataclass(frozen=True)
class Split:
    """Images as float32 [n, 784] in [0, 1] and labels as int32 [n] (sparse)."""

    images: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)

    def take(self, n: int) -> "Split":
        """The first ``n`` examples (all if ``n`` is larger)."""
        return Split(self.images[:n], self.labels[:n])

    def one_hot(self) -> np.ndarray:
        """Labels as float32 one-hot [n, 10], as TF1's ``one_hot=True`` gave them."""
        return np.eye(NUM_CLASSES, dtype=np.float32)[self.labels]


@dataclasses.dataclass(frozen=True)
class Mnist:
    """The splits of one load; ``validation`` is None when training on all 60,000."""

    train: Split
    validation: Split | None
    test: Split
    source: str


def _read_bytes(path: str) -> bytes:
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] != b"\x1f\x8b":  # not gzip: the file is the IDX content itself
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as e:
        raise DataError(f"{path}: corrupt or truncated gzip stream ({e})") from e


def check_idx(content: bytes, spec: IdxSpec, path: str) -> np.ndarray:
    """Checks header, size and SHA-256 of one IDX file's content; returns its array.

    Raises:
      DataError: naming ``path`` and what is wrong with it.
    """
    if len(content) < spec.header_size:
        raise DataError(f"{path}: truncated: {len(content)} bytes, header alone is "
                        f"{spec.header_size}")
    header = np.frombuffer(content[:spec.header_size], dtype=">u4")
    expected = [spec.magic, spec.count] + ([IMAGE_SIDE] * 2 if spec.magic == 2051 else [])
    if header[0] != spec.magic:
        raise DataError(f"{path}: bad magic number {header[0]}, expected {spec.magic} "
                        "(is this the right IDX file?)")
    if list(header) != expected:
        raise DataError(f"{path}: header says {list(map(int, header))}, expected {expected} "
                        "(magic, count[, rows, cols])")
    if len(content) != spec.size:
        what = "truncated" if len(content) < spec.size else "trailing bytes"
        raise DataError(f"{path}: {what}: {len(content)} bytes, expected {spec.size}")
    digest = hashlib.sha256(content).hexdigest()
    if digest != spec.sha256:
        raise DataError(f"{path}: content SHA-256 {digest} is not the official "
                        f"{spec.sha256} (corrupted or modified file)")
    payload = np.frombuffer(content, dtype=np.uint8, offset=spec.header_size)
    return payload.reshape(spec.count, IMAGE_SIZE) if spec.magic == 2051 else payload


def find_file(directory: str, spec: IdxSpec) -> str:
    """The path of ``spec``'s file in ``directory``, uncompressed or ``.gz``."""
    for candidate in (spec.name, spec.name + ".gz"):
        path = os.path.join(directory, candidate)
        if os.path.isfile(path):
            return path
    raise DataError(f"{os.path.join(directory, spec.name)}(.gz): missing; the directory "
                    f"needs all four MNIST IDX files: "
                    f"{', '.join(s.name for s in IDX_FILES.values())}")


def load_idx_dir(directory: str) -> dict[str, np.ndarray]:
    """Reads and verifies the four IDX files; returns uint8 arrays keyed as ``IDX_FILES``."""
    if not os.path.isdir(directory):
        raise DataError(f"{directory}: MNIST data directory does not exist")
    arrays = {}
    for key, spec in IDX_FILES.items():
        path = find_file(directory, spec)
        arrays[key] = check_idx(_read_bytes(path), spec, path)
    return arrays


def load_tfds(tfds_dir: str | None = None) -> dict[str, np.ndarray]:
    """MNIST from tensorflow-datasets (downloads on first use), as ``load_idx_dir`` returns."""
    import tensorflow_datasets as tfds  # heavy import, only on this path

    try:
        splits = tfds.load("mnist", split=["train", "test"], as_supervised=True,
                           data_dir=tfds_dir)
        # Batches of 10,000 rather than batch_size=-1, which crashes tfds' mock data.
        (train_x, train_y), (test_x, test_y) = [
            [np.concatenate(parts) for parts in zip(*tfds.as_numpy(ds.batch(10000)))]
            for ds in splits]
    except Exception as e:  # tfds raises many types for "no network" and bad caches
        raise DataError(f"tensorflow-datasets could not load 'mnist' ({type(e).__name__}: "
                        f"{e}); without a network, pass --data_dir or set {ENV_VAR} to a "
                        "directory of the four MNIST IDX files") from e
    return {"train_images": train_x.reshape(len(train_x), IMAGE_SIZE), "train_labels": train_y,
            "test_images": test_x.reshape(len(test_x), IMAGE_SIZE), "test_labels": test_y}


def resolve_data_dir(data_dir: str | None = None) -> str | None:
    """``data_dir`` if given, else ``$MNIST_DATA_DIR``, else None (tensorflow-datasets)."""
    return data_dir or os.environ.get(ENV_VAR) or None


def _to_split(images: np.ndarray, labels: np.ndarray) -> Split:
    return Split(images.astype(np.float32) / 255.0, labels.astype(np.int32))


def load(data_dir: str | None = None, *, full_train: bool = False,
         train_examples: int | None = None,
         validation_size: int = VALIDATION_SIZE) -> Mnist:
    """Loads MNIST with TF1's splits.

    Args:
      data_dir: directory of IDX files; None falls back to ``$MNIST_DATA_DIR``, then tfds.
      full_train: train on all 60,000 training images (no validation split).
      train_examples: keep only the first this many training images (quick runs).
      validation_size: images held out from the start of the training set.

    Returns:
      The splits, float32 pixels / 255 and int32 labels.
    """
    directory = resolve_data_dir(data_dir)
    raw = load_idx_dir(directory) if directory else load_tfds()
    x, y = raw["train_images"], raw["train_labels"]
    if not full_train and len(y) <= validation_size:
        raise DataError(f"{len(y)} training images, need more than the {validation_size} "
                        "held out for validation")
    cut = 0 if full_train else validation_size
    train = _to_split(x[cut:], y[cut:])
    if train_examples is not None:
        train = train.take(train_examples)
    validation = None if full_train else _to_split(x[:cut], y[:cut])
    return Mnist(train, validation, _to_split(raw["test_images"], raw["test_labels"]),
                 source=directory or "tensorflow-datasets")


def epoch_order(n: int, seed: int, epoch: int) -> np.ndarray:
    """The shuffled order of ``n`` examples in epoch ``epoch``; depends on nothing else."""
    return np.random.default_rng([seed, epoch]).permutation(n)


def batch_indices(n: int, batch_size: int, seed: int, start: int = 0):
    """Endless index batches, reshuffled each epoch, as TF1's ``next_batch`` served them.

    Both APIs train on exactly this sequence, so a Keras run and a TF1 run with the same
    seed see the same batches, and a resumed run picks up at batch ``start``.
    """
    per_epoch = -(-n // batch_size)
    epoch, skip = divmod(start, per_epoch)
    for e in itertools.count(epoch):
        order = epoch_order(n, seed, e)
        for i in range(skip * batch_size, n, batch_size):
            yield order[i:i + batch_size]
        skip = 0


def make_dataset(split: Split, batch_size: int, *, seed: int | None = None,
                 num_batches: int | None = None, start: int = 0, one_hot: bool = False,
                 parts: tuple[int, int, int] | None = None) -> tf.data.Dataset:
    """A tf.data pipeline of (images, labels) batches over ``split``.

    With a ``seed``: the ``num_batches`` training batches of :func:`batch_indices` from batch
    ``start`` on. Without: the split once, in order (for evaluation). The arrays are
    already in memory (which is what ``cache()`` would give), so the pipeline carries only
    index batches and gathers each batch whole, then prefetches the next.

    Args:
      parts: ``(total, first, count)`` for distributed training: every batch is cut into
        ``total`` parts (one per replica) and the pipeline yields parts ``first`` to
        ``first + count - 1`` of each, in order.
    """
    images = tf.constant(split.images)
    labels = tf.constant(split.one_hot() if one_hot else split.labels)
    if seed is None:
        ds = tf.data.Dataset.range(len(split)).batch(batch_size)
    else:
        idx = list(itertools.islice(batch_indices(len(split), batch_size, seed, start),
                                    num_batches))
        if parts is not None:
            total, first, count = parts
            idx = [p for b in idx for p in np.array_split(b, total)[first:first + count]]
        ragged = tf.RaggedTensor.from_row_lengths(np.concatenate(idx), [len(i) for i in idx])
        ds = tf.data.Dataset.from_tensor_slices(ragged)
    ds = ds.map(lambda i: (tf.gather(images, i), tf.gather(labels, i)),
                num_parallel_calls=tf.data.AUTOTUNE)
    return ds.prefetch(tf.data.AUTOTUNE)
