"""The MNIST loader: verification of the IDX files, TF1's splits, tfds, the pipeline."""

import gzip
import itertools
import os
import shutil

import numpy as np
import pytest
import tensorflow_datasets as tfds

from mnist_keras import data


def _copy(data_dir, tmp_path, gunzip=False):
    """The four files in a scratch directory, optionally uncompressed."""
    for spec in data.IDX_FILES.values():
        src = os.path.join(data_dir, spec.name + ".gz")
        if gunzip:
            with gzip.open(src) as f, open(tmp_path / spec.name, "wb") as out:
                out.write(f.read())
        else:
            shutil.copy(src, tmp_path)
    return tmp_path


def test_tf1_split_is_first_5000_for_validation(mnist, data_dir):
    raw = data.load_idx_dir(data_dir)
    assert (len(mnist.train), len(mnist.validation), len(mnist.test)) == (55000, 5000, 10000)
    assert mnist.train.images.shape == (55000, 784) and mnist.train.images.dtype == np.float32
    assert mnist.train.labels.dtype == np.int32
    np.testing.assert_array_equal(mnist.validation.images,
                                  raw["train_images"][:5000].astype(np.float32) / 255)
    np.testing.assert_array_equal(mnist.train.labels, raw["train_labels"][5000:])
    assert mnist.train.images.min() == 0.0 and mnist.train.images.max() == 1.0
    # The official label counts of the test set (digit 1 is the most common, 1,135).
    assert np.bincount(mnist.test.labels).tolist() == [
        980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_full_train_and_subset(data_dir):
    full = data.load(data_dir, full_train=True)
    assert len(full.train) == 60000 and full.validation is None
    assert len(data.load(data_dir, train_examples=123).train) == 123


def test_one_hot_labels(small):
    one_hot = small.train.one_hot()
    assert one_hot.shape == (2000, 10) and one_hot.dtype == np.float32
    np.testing.assert_array_equal(one_hot.argmax(1), small.train.labels)


def test_uncompressed_files_give_the_same_arrays(data_dir, tmp_path):
    plain = data.load_idx_dir(str(_copy(data_dir, tmp_path, gunzip=True)))
    zipped = data.load_idx_dir(data_dir)
    for key in data.IDX_FILES:
        np.testing.assert_array_equal(plain[key], zipped[key])


def test_one_corrupted_byte_is_caught(data_dir, tmp_path):
    _copy(data_dir, tmp_path, gunzip=True)
    path = tmp_path / "train-images-idx3-ubyte"
    content = bytearray(path.read_bytes())
    content[5000] ^= 0x01  # one bit of one pixel
    path.write_bytes(bytes(content))
    with pytest.raises(data.DataError, match=r"train-images-idx3-ubyte: content SHA-256"):
        data.load_idx_dir(str(tmp_path))


def test_missing_file_is_named(data_dir, tmp_path):
    _copy(data_dir, tmp_path)
    os.remove(tmp_path / "t10k-labels-idx1-ubyte.gz")
    with pytest.raises(data.DataError, match=r"t10k-labels-idx1-ubyte\(\.gz\): missing"):
        data.load_idx_dir(str(tmp_path))


def test_truncated_file_is_caught(data_dir, tmp_path):
    _copy(data_dir, tmp_path, gunzip=True)
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-784])  # one image short
    with pytest.raises(data.DataError, match=r"t10k-images-idx3-ubyte: truncated: 7839232"):
        data.load_idx_dir(str(tmp_path))


def test_wrong_file_is_caught_by_its_magic_number(data_dir, tmp_path):
    _copy(data_dir, tmp_path, gunzip=True)
    shutil.copy(tmp_path / "t10k-labels-idx1-ubyte", tmp_path / "t10k-images-idx3-ubyte")
    with pytest.raises(data.DataError, match=r"t10k-images-idx3-ubyte: bad magic number 2049"):
        data.load_idx_dir(str(tmp_path))


def test_broken_gzip_is_caught(data_dir, tmp_path):
    _copy(data_dir, tmp_path)
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(data.DataError, match=r"train-labels-idx1-ubyte.gz: corrupt or trunc"):
        data.load_idx_dir(str(tmp_path))


def test_missing_directory(tmp_path):
    with pytest.raises(data.DataError, match="does not exist"):
        data.load(str(tmp_path / "nowhere"))


def test_flag_beats_environment(monkeypatch):
    monkeypatch.setenv(data.ENV_VAR, "/from/env")
    assert data.resolve_data_dir("/from/flag") == "/from/flag"
    assert data.resolve_data_dir(None) == "/from/env"
    monkeypatch.delenv(data.ENV_VAR)
    assert data.resolve_data_dir(None) is None


def test_tfds_fallback_offline_with_mock_data(monkeypatch):
    monkeypatch.delenv(data.ENV_VAR, raising=False)
    with tfds.testing.mock_data(num_examples=5100):
        mnist = data.load()
    assert mnist.source == "tensorflow-datasets"
    assert (len(mnist.train), len(mnist.validation), len(mnist.test)) == (100, 5000, 5100)
    assert mnist.train.images.shape == (100, 784) and mnist.train.images.dtype == np.float32
    assert 0.0 <= mnist.train.images.min() and mnist.train.images.max() <= 1.0
    assert set(np.unique(mnist.test.labels)) <= set(range(10))


def test_tfds_failure_says_what_to_do(monkeypatch):
    monkeypatch.delenv(data.ENV_VAR, raising=False)

    def offline(*args, **kwargs):
        raise ConnectionError("no network")

    monkeypatch.setattr(tfds, "load", offline)
    with pytest.raises(data.DataError, match=r"no network.*pass --data_dir or set MNIST_DATA"):
        data.load()


def test_batches_cover_each_image_once_per_epoch_and_reshuffle():
    batches = list(itertools.islice(data.batch_indices(250, 100, seed=7), 6))
    assert [len(b) for b in batches] == [100, 100, 50, 100, 100, 50]
    first, second = np.concatenate(batches[:3]), np.concatenate(batches[3:])
    assert sorted(first) == sorted(second) == list(range(250))
    assert not np.array_equal(first, second)  # a new order each epoch


def test_batches_depend_only_on_seed_and_position():
    stream = list(itertools.islice(data.batch_indices(250, 100, seed=7), 7))
    again = list(itertools.islice(data.batch_indices(250, 100, seed=7), 7))
    resumed = list(itertools.islice(data.batch_indices(250, 100, seed=7, start=4), 3))
    other = list(itertools.islice(data.batch_indices(250, 100, seed=8), 3))
    for a, b in zip(stream, again):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(stream[4:], resumed):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(stream[0], other[0])


def test_dataset_serves_those_batches_with_matching_labels(small):
    split = small.train.take(250)
    ds = data.make_dataset(split, 100, seed=3, num_batches=4, one_hot=True)
    expected = itertools.islice(data.batch_indices(250, 100, seed=3), 4)
    for (x, y), idx in zip(ds, expected, strict=True):
        np.testing.assert_array_equal(x.numpy(), split.images[idx])
        np.testing.assert_array_equal(y.numpy(), split.one_hot()[idx])


def test_evaluation_dataset_is_the_split_in_order(small):
    split = small.test.take(250)
    labels = np.concatenate([y.numpy() for _, y in data.make_dataset(split, 100)])
    np.testing.assert_array_equal(labels, split.labels)
