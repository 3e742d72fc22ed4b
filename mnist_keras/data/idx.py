"""The four official MNIST IDX files, verified before anything trains on them.

Each file is checked whole: gzip stream (or plain IDX content), IDX header (magic
number, count, 28x28), exact size, and the SHA-256 of the official content. Anything
wrong is a :class:`DataError` naming the file and what is wrong with it.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import os
import zlib

import numpy as np

from mnist_keras.errors import InputError

IMAGE_SIDE = 28  # pixels
IMAGE_SIZE = IMAGE_SIDE * IMAGE_SIDE
IMAGES_MAGIC, LABELS_MAGIC = 2051, 2049  # 0x803 and 0x801


class DataError(InputError):
    """MNIST data is missing, unreadable or not the official content."""


@dataclasses.dataclass(frozen=True)
class IdxSpec:
    """What one official IDX file must be."""

    name: str
    magic: int
    count: int
    sha256: str  # of the uncompressed content

    @property
    def header_size(self) -> int:
        return 16 if self.magic == IMAGES_MAGIC else 8

    @property
    def size(self) -> int:
        item = IMAGE_SIZE if self.magic == IMAGES_MAGIC else 1
        return self.header_size + self.count * item


# SHA-256 of the official, uncompressed files (yann.lecun.com, as mirrored by TF/Keras).
IDX_FILES = {
    "train_images": IdxSpec(
        "train-images-idx3-ubyte", IMAGES_MAGIC, 60000,
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
    "train_labels": IdxSpec(
        "train-labels-idx1-ubyte", LABELS_MAGIC, 60000,
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    "test_images": IdxSpec(
        "t10k-images-idx3-ubyte", IMAGES_MAGIC, 10000,
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
    "test_labels": IdxSpec(
        "t10k-labels-idx1-ubyte", LABELS_MAGIC, 10000,
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
}


def read_content(path: str) -> bytes:
    """The IDX content of ``path``: the file itself, or its gzip stream decompressed."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise DataError(f"{path}: cannot read: {e.strerror or e}") from None
    if raw[:2] != b"\x1f\x8b":  # not gzip: the file is the IDX content itself
        return raw
    try:
        return gzip.decompress(raw)
    except (EOFError, OSError, zlib.error) as e:
        raise DataError(f"{path}: corrupt or truncated gzip stream ({e})") from None


def check_idx(content: bytes, spec: IdxSpec, path: str) -> np.ndarray:
    """Checks header, size and SHA-256 of one IDX file's content; returns its array.

    Raises:
      DataError: naming ``path`` and what is wrong with it.
    """
    if len(content) < spec.header_size:
        raise DataError(f"{path}: truncated: {len(content)} bytes, header alone is "
                        f"{spec.header_size}")
    header = np.frombuffer(content[:spec.header_size], dtype=">u4")
    expected = [spec.magic, spec.count] + (
        [IMAGE_SIDE] * 2 if spec.magic == IMAGES_MAGIC else [])
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
    return payload.reshape(spec.count, IMAGE_SIZE) if spec.magic == IMAGES_MAGIC else payload


def find_file(directory: str, spec: IdxSpec) -> str:
    """The path of ``spec``'s file in ``directory``, uncompressed or ``.gz``."""
    for candidate in (spec.name, spec.name + ".gz"):
        path = os.path.join(directory, candidate)
        if os.path.isfile(path):
            return path
    raise DataError(f"{os.path.join(directory, spec.name)}(.gz): missing; the directory "
                    f"needs all four MNIST IDX files: "
                    f"{', '.join(s.name for s in IDX_FILES.values())}")


def load_dir(directory: str) -> dict[str, np.ndarray]:
    """Reads and verifies the four IDX files; returns uint8 arrays keyed as ``IDX_FILES``."""
    if not os.path.isdir(directory):
        raise DataError(f"{directory}: MNIST data directory does not exist")
    arrays = {}
    for key, spec in IDX_FILES.items():
        path = find_file(directory, spec)
        arrays[key] = check_idx(read_content(path), spec, path)
    return arrays
