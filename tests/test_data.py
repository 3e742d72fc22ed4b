"""The MNIST loader: the shipped IDX files, their verification, TF1's splits, tfds (offline,
with its mock data), the pipeline."""

import gzip
import itertools
import logging
import os
import shutil
import socket

import numpy as np
import pytest
import tensorflow_datasets as tfds

from mnist_keras.data import idx, mnist, pipeline, tfds_source


def _copy(idx_dir, tmp_path, gunzip=False):
    """The four files in a scratch directory, optionally uncompressed."""
    for spec in idx.IDX_FILES.values():
        src = os.path.join(idx_dir, spec.name + ".gz")
        if gunzip:
            with gzip.open(src) as f, open(tmp_path / spec.name, "wb") as out:
                out.write(f.read())
        else:
            shutil.copy(src, tmp_path)
    return tmp_path


def test_tf1_split_is_first_5000_for_validation(mnist_data, idx_dir):
    raw = idx.load_dir(idx_dir)
    m = mnist_data
    assert (len(m.train), len(m.validation), len(m.test)) == (55000, 5000, 10000)
    assert m.train.images.shape == (55000, 784) and m.train.images.dtype == np.float32
    assert m.train.labels.dtype == np.int32
    np.testing.assert_array_equal(m.validation.images,
                                  raw["train_images"][:5000].astype(np.float32) / 255)
    np.testing.assert_array_equal(m.train.labels, raw["train_labels"][5000:])
    assert m.train.images.min() == 0.0 and m.train.images.max() == 1.0
    # The official label counts of the test set (digit 1 is the most common, 1,135).
    assert np.bincount(m.test.labels).tolist() == [
        980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_full_train_and_subset():
    full = mnist.load(full_train=True)
    assert len(full.train) == 60000 and full.validation is None
    assert len(mnist.load(train_examples=123).train) == 123


def test_one_hot_labels(small):
    one_hot = small.train.one_hot()
    assert one_hot.shape == (2000, 10) and one_hot.dtype == np.float32
    np.testing.assert_array_equal(one_hot.argmax(1), small.train.labels)


def test_uncompressed_files_give_the_same_arrays(idx_dir, tmp_path):
    plain = idx.load_dir(str(_copy(idx_dir, tmp_path, gunzip=True)))
    zipped = idx.load_dir(idx_dir)
    for key in idx.IDX_FILES:
        np.testing.assert_array_equal(plain[key], zipped[key])


def test_one_corrupted_byte_is_caught(idx_dir, tmp_path):
    _copy(idx_dir, tmp_path, gunzip=True)
    path = tmp_path / "train-images-idx3-ubyte"
    content = bytearray(path.read_bytes())
    content[5000] ^= 0x01  # one bit of one pixel
    path.write_bytes(bytes(content))
    with pytest.raises(idx.DataError, match=r"train-images-idx3-ubyte: content SHA-256"):
        idx.load_dir(str(tmp_path))


def test_missing_file_is_named(idx_dir, tmp_path):
    _copy(idx_dir, tmp_path)
    os.remove(tmp_path / "t10k-labels-idx1-ubyte.gz")
    with pytest.raises(idx.DataError, match=r"t10k-labels-idx1-ubyte\(\.gz\): missing"):
        idx.load_dir(str(tmp_path))


def test_truncated_file_is_caught(idx_dir, tmp_path):
    _copy(idx_dir, tmp_path, gunzip=True)
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-784])  # one image short
    with pytest.raises(idx.DataError, match=r"t10k-images-idx3-ubyte: truncated: 7839232"):
        idx.load_dir(str(tmp_path))


def test_wrong_file_is_caught_by_its_magic_number(idx_dir, tmp_path):
    _copy(idx_dir, tmp_path, gunzip=True)
    shutil.copy(tmp_path / "t10k-labels-idx1-ubyte", tmp_path / "t10k-images-idx3-ubyte")
    with pytest.raises(idx.DataError, match=r"t10k-images-idx3-ubyte: bad magic number 2049"):
        idx.load_dir(str(tmp_path))


def test_broken_gzip_is_caught(idx_dir, tmp_path):
    _copy(idx_dir, tmp_path)
    path = tmp_path / "train-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(idx.DataError, match=r"train-labels-idx1-ubyte.gz: corrupt or trunc"):
        idx.load_dir(str(tmp_path))


def test_missing_directory(tmp_path):
    with pytest.raises(idx.DataError, match="does not exist"):
        mnist.load(mnist.Source("idx", str(tmp_path / "nowhere")))


def test_shipped_files_are_the_default_then_environment_then_flag(monkeypatch, idx_dir):
    assert mnist.resolve_source() == mnist.Source("idx", None)
    assert mnist.resolve_source().label == "embedded"
    assert sorted(os.listdir(idx_dir)) == sorted(
        [s.name + ".gz" for s in idx.IDX_FILES.values()] + ["SHA256SUMS", "SHA256SUMS.gz.txt"])
    monkeypatch.setenv(mnist.ENV_VAR, "/from/env")
    assert mnist.resolve_source() == mnist.Source("idx", "/from/env")
    assert mnist.resolve_source("idx", "/from/flag") == mnist.Source("idx", "/from/flag")
    assert mnist.resolve_source("tfds") == mnist.Source("tfds", None)  # only when asked
    with pytest.raises(idx.DataError, match="unknown data source 'web'; valid: idx, tfds"):
        mnist.resolve_source("web")


def test_a_load_records_its_checksums(mnist_data):
    assert mnist_data.source == "embedded"
    assert mnist_data.sha256 == {k: s.sha256 for k, s in idx.IDX_FILES.items()}


def test_tfds_loads_offline_with_mock_data(monkeypatch, tmp_path):
    monkeypatch.setattr(tfds_source, "require_network", lambda cache: None)
    with tfds.testing.mock_data(num_examples=5100):
        m = mnist.load(mnist.Source("tfds", str(tmp_path)))
    assert m.source == "tensorflow-datasets" and len(m.sha256) == 4
    assert (len(m.train), len(m.validation), len(m.test)) == (100, 5000, 5100)
    assert m.train.images.shape == (100, 784) and m.train.images.dtype == np.float32
    assert 0.0 <= m.train.images.min() and m.train.images.max() <= 1.0
    assert set(np.unique(m.test.labels)) <= set(range(10))


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket closes


def test_tfds_without_network_fails_in_one_probe_and_one_line(monkeypatch, tmp_path, caplog):
    # The download host as a machine without a network sees it: the connection fails.
    monkeypatch.setattr(tfds_source, "DOWNLOAD_HOST", ("127.0.0.1", _closed_port()))
    monkeypatch.delenv("https_proxy", raising=False)
    monkeypatch.delenv("HTTPS_PROXY", raising=False)
    probes, connect = [], socket.create_connection
    monkeypatch.setattr(socket, "create_connection", lambda address, timeout: (
        probes.append((address, timeout)), connect(address, timeout))[1])
    monkeypatch.setattr(tfds, "load", lambda *a, **k: pytest.fail("a download started"))
    with pytest.raises(idx.DataError) as error:
        mnist.load(mnist.Source("tfds", str(tmp_path)))  # an empty cache: nothing prepared
    # One TCP connect, bounded by the probe's timeout: seconds, not tfds' minutes of retries.
    assert probes == [(tfds_source.DOWNLOAD_HOST, tfds_source.PROBE_SECONDS)]
    message = str(error.value)
    assert message.startswith(f"tensorflow-datasets has no prepared MNIST in {tmp_path}")
    assert "drop --data=tfds to use the IDX files shipped with mnist-keras" in message
    assert "\n" not in message and not list(tmp_path.iterdir())  # nothing downloaded
    # Nothing else on the terminal: tfds' "Variant folder ... has no dataset_info.json".
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_a_proxy_is_where_a_download_connects(monkeypatch):
    monkeypatch.setenv("https_proxy", "http://proxy.example:3128")
    assert tfds_source.download_endpoint() == ("proxy.example", 3128)
    monkeypatch.delenv("https_proxy")
    monkeypatch.delenv("HTTPS_PROXY", raising=False)
    assert tfds_source.download_endpoint() == tfds_source.DOWNLOAD_HOST


def test_batches_cover_each_image_once_per_epoch_and_reshuffle():
    batches = list(itertools.islice(pipeline.batch_indices(250, 100, seed=7), 6))
    assert [len(b) for b in batches] == [100, 100, 50, 100, 100, 50]
    first, second = np.concatenate(batches[:3]), np.concatenate(batches[3:])
    assert sorted(first) == sorted(second) == list(range(250))
    assert not np.array_equal(first, second)  # a new order each epoch


def test_batches_depend_only_on_seed_and_position():
    stream = list(itertools.islice(pipeline.batch_indices(250, 100, seed=7), 7))
    again = list(itertools.islice(pipeline.batch_indices(250, 100, seed=7), 7))
    resumed = list(itertools.islice(pipeline.batch_indices(250, 100, seed=7, start=4), 3))
    other = list(itertools.islice(pipeline.batch_indices(250, 100, seed=8), 3))
    for a, b in zip(stream, again):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(stream[4:], resumed):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(stream[0], other[0])


def test_dataset_serves_those_batches_with_matching_labels(small):
    split = small.train.take(250)
    ds = pipeline.make_dataset(split, 100, seed=3, num_batches=4, one_hot=True)
    expected = itertools.islice(pipeline.batch_indices(250, 100, seed=3), 4)
    for (x, y), batch in zip(ds, expected, strict=True):
        np.testing.assert_array_equal(x.numpy(), split.images[batch])
        np.testing.assert_array_equal(y.numpy(), split.one_hot()[batch])


def test_evaluation_dataset_is_the_split_in_order(small):
    split = small.test.take(250)
    labels = np.concatenate([y.numpy() for _, y in pipeline.make_dataset(split, 100)])
    np.testing.assert_array_equal(labels, split.labels)


def test_input_data_serves_batches_as_tf1_did(tmp_path):
    from mnist_keras.data import input_data

    input_data.limit(250, 40)
    try:
        mnist = input_data.read_data_sets(str(tmp_path / "MNIST_data"), one_hot=True, seed=3)
    finally:
        input_data.limit()
    assert not (tmp_path / "MNIST_data").exists()  # train_dir accepted, left alone
    assert (mnist.train.num_examples, mnist.validation.num_examples,
            mnist.test.num_examples) == (250, 5000, 40)
    assert mnist.train.images.shape == (250, 784) and mnist.train.labels.shape == (250, 10)
    assert mnist.train.labels.dtype == np.float64  # TF1's dense_to_one_hot
    unshuffled = mnist.train.images.copy()
    seen = [mnist.train.next_batch(100) for _ in range(3)]  # 300: an epoch and 50 more
    assert [len(x) for x, _ in seen] == [100, 100, 100]
    assert mnist.train.epochs_completed == 1
    first_epoch = np.concatenate([x for x, _ in seen])[:250]
    # every example once in the first epoch, in a shuffled order; then a new order
    assert sorted(map(bytes, first_epoch)) == sorted(map(bytes, unshuffled))
    assert not np.array_equal(first_epoch, unshuffled)
    np.testing.assert_array_equal(seen[2][0][50:], mnist.train.images[:50])
    in_order = input_data.read_data_sets("", seed=3).validation
    np.testing.assert_array_equal(in_order.next_batch(7, shuffle=False)[0],
                                  mnist.validation.images[:7])
    again = input_data.read_data_sets("MNIST_data", one_hot=True, seed=3)
    assert again.train.num_examples == 55000  # the limit is gone
    sparse = input_data.read_data_sets("MNIST_data", validation_size=0)
    assert sparse.validation.num_examples == 0 and sparse.train.num_examples == 60000
    assert sparse.train.labels.dtype == np.uint8 and sparse.train.labels.shape == (60000,)
    with pytest.raises(ValueError, match="Validation size should be between 0 and 60000"):
        input_data.read_data_sets("MNIST_data", validation_size=60001)
