"""MNIST with TF1's splits, from the shipped IDX files, a directory, or tensorflow-datasets.

Where the data comes from (:func:`resolve_source`):

1. ``--data_dir=DIR`` or ``$MNIST_DATA_DIR``: a directory of the four IDX files.
2. Otherwise the four official IDX files shipped inside this package (``idx_files/``,
   installed with it): no network, no flag.
3. ``--data=tfds``: tensorflow-datasets, chosen explicitly (``tfds_source``).

IDX files are verified whole before use (``idx``). Splits follow TF1's
``input_data.read_data_sets``: validation is the *first* 5,000 training images, train the
other 55,000, test the 10,000 test images. The Keras texts train on all 60,000
(``full_train=True``). Pixels are divided by 255 (float32), labels are int32.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os

import numpy as np

from mnist_keras.data import idx, tfds_source
from mnist_keras.data.idx import IMAGE_SIDE, IMAGE_SIZE, DataError  # noqa: F401  (part of this interface)

ENV_VAR = "MNIST_DATA_DIR"
EMBEDDED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "idx_files")
KINDS = ("idx", "tfds")
VALIDATION_SIZE = 5000  # images; TF1 read_data_sets' default
NUM_CLASSES = 10


@dataclasses.dataclass(frozen=True)
class Source:
    """Where MNIST comes from.

    Attributes:
      kind: ``"idx"`` (IDX files) or ``"tfds"`` (tensorflow-datasets).
      directory: the IDX files' directory (None: the shipped ones), or with ``"tfds"``
        tensorflow-datasets' cache (None: its default).
    """

    kind: str = "idx"
    directory: str | None = None

    @property
    def label(self) -> str:
        """How runs record it: ``embedded``, the directory, or ``tensorflow-datasets``."""
        if self.kind == "tfds":
            return "tensorflow-datasets"
        return self.directory or "embedded"


def resolve_source(kind: str = "idx", data_dir: str | None = None) -> Source:
    """The source of ``--data``/``--data_dir``: the flag, then ``$MNIST_DATA_DIR``, then
    the shipped files; tensorflow-datasets only when asked for."""
    if kind not in KINDS:
        raise DataError(f"unknown data source {kind!r}; valid: {', '.join(KINDS)}")
    if kind == "tfds":
        return Source("tfds", data_dir)
    return Source("idx", data_dir or os.environ.get(ENV_VAR) or None)


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
    """The splits of one load; ``validation`` is None when training on all 60,000.

    Attributes:
      source: where they came from (:attr:`Source.label`).
      sha256: of each file's official content (IDX), or of each array (tensorflow-
        datasets): what a run trained on, recorded in its ``hparams.json``.
    """

    train: Split
    validation: Split | None
    test: Split
    source: str
    sha256: dict[str, str] = dataclasses.field(default_factory=dict)


def raw_arrays(source: Source | None = None) -> dict[str, np.ndarray]:
    """The four uint8 arrays as the files hold them (``train_images`` [60000, 28, 28],
    ``train_labels`` [60000], ``test_images``, ``test_labels``), verified; None resolves
    the default source."""
    return _raw(source or resolve_source())[0]


def _raw(source: Source) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """The four uint8 arrays of ``source`` and their checksums."""
    if source.kind == "tfds":
        arrays = tfds_source.load(source.directory)
        return arrays, {key: hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()
                        for key, a in arrays.items()}
    arrays = idx.load_dir(source.directory or EMBEDDED_DIR)
    return arrays, {key: spec.sha256 for key, spec in idx.IDX_FILES.items()}


def _to_split(images: np.ndarray, labels: np.ndarray) -> Split:
    scaled = images.astype(np.float32)
    scaled /= 255.0  # in place: one new float32 array, not two (55,000 images: 172 MB)
    return Split(scaled, labels.astype(np.int32))


def load(source: Source | None = None, *, full_train: bool = False,
         train_examples: int | None = None,
         validation_size: int = VALIDATION_SIZE) -> Mnist:
    """Loads MNIST with TF1's splits.

    Args:
      source: where from; None resolves the default (:func:`resolve_source`).
      full_train: train on all 60,000 training images (no validation split).
      train_examples: keep only the first this many training images (quick runs).
      validation_size: images held out from the start of the training set.

    Raises:
      DataError: a one-line message naming what is missing or wrong.
    """
    source = source or resolve_source()
    raw, sha256 = _raw(source)
    x, y = raw["train_images"], raw["train_labels"]
    if not full_train and len(y) <= validation_size:
        raise DataError(f"{len(y)} training images, need more than the {validation_size} "
                        "held out for validation")
    cut = 0 if full_train else validation_size
    end = None if train_examples is None else cut + train_examples
    train = _to_split(x[cut:end], y[cut:end])  # only the images kept are converted
    validation = None if full_train else _to_split(x[:cut], y[:cut])
    return Mnist(train, validation, _to_split(raw["test_images"], raw["test_labels"]),
                 source=source.label, sha256=sha256)
