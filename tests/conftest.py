"""Shared fixtures: the MNIST files shipped with the package, and small subsets of them.

Nothing here downloads or reads outside the repository: the data is the package's own
``mnist_keras/data/idx_files`` (verified by SHA-256 on load), and every command a test
runs gets an environment without ``MNIST_DATA_DIR``.
"""

import os
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[1]


def clean_env(**extra) -> dict:
    """The environment of a command a test runs: no MNIST_DATA_DIR, no user TF log level."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MNIST_DATA_DIR", "TF_CPP_MIN_LOG_LEVEL")}
    return {**env, **extra}


@pytest.fixture(scope="session", autouse=True)
def _no_outside_data():
    """Tests use the shipped files: a stray MNIST_DATA_DIR must not change that."""
    os.environ.pop("MNIST_DATA_DIR", None)


@pytest.fixture(scope="session")
def idx_dir() -> str:
    """The directory of the four official MNIST IDX files shipped with the package."""
    from mnist_keras.data import mnist

    return mnist.EMBEDDED_DIR


@pytest.fixture(scope="session")
def mnist_data():
    """The full verified load, shared by the session (about a second)."""
    from mnist_keras.data import mnist

    return mnist.load()


@pytest.fixture(scope="session")
def small(mnist_data):
    """2,000 training images, 1,000 validation and 1,000 test images, real ones."""
    from mnist_keras.data import mnist

    return mnist.Mnist(mnist_data.train.take(2000), mnist_data.validation.take(1000),
                       mnist_data.test.take(1000), mnist_data.source, mnist_data.sha256)


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same seed, as ``main`` would seed a run."""
    import keras

    keras.utils.set_random_seed(1234)


def run_cli(*args, env=None, timeout=300, cwd=REPO, log=False
            ) -> subprocess.CompletedProcess:
    """Runs ``python -m <args>`` as a user would; with ``log``, absl's log on stderr too."""
    command = [sys.executable, "-m", *args, *(["--alsologtostderr"] if log else [])]
    return subprocess.run(command, cwd=cwd, env=clean_env(**(env or {})),
                          capture_output=True, text=True, timeout=timeout)
