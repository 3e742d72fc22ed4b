"""Shared fixtures: the real MNIST files (never downloaded) and small subsets of them."""

import os
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]


def mnist_dir() -> str:
    return os.environ.get("MNIST_DATA_DIR") or str(REPO.parent / "shared" / "data" / "mnist")


@pytest.fixture(scope="session")
def data_dir() -> str:
    """The directory of the four official MNIST IDX files; tests need them."""
    path = mnist_dir()
    if not os.path.isdir(path):
        pytest.fail(f"MNIST IDX files not found at {path}: set MNIST_DATA_DIR")
    return path


@pytest.fixture(scope="session")
def mnist(data_dir):
    """The full verified load, shared by the session (about a second)."""
    from mnist_keras import data

    return data.load(data_dir)


@pytest.fixture(scope="session")
def small(mnist):
    """2,000 training images, 1,000 validation and 1,000 test images, real ones."""
    from mnist_keras import data

    return data.Mnist(mnist.train.take(2000), mnist.validation.take(1000),
                      mnist.test.take(1000), mnist.source)


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same seed, as ``main`` would seed a run."""
    import keras

    keras.utils.set_random_seed(1234)


def run_cli(*args, env=None, timeout=300) -> subprocess.CompletedProcess:
    """Runs ``python -m <args>`` as a user would, with the MNIST files in the environment."""
    full_env = {**os.environ, "MNIST_DATA_DIR": mnist_dir(), **(env or {})}
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, env=full_env,
                          capture_output=True, text=True, timeout=timeout)
