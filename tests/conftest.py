"""Shared fixtures: the MNIST files shipped with the package, small subsets of them, and
one trained and exported stage 5 for the whole test run.

Nothing here downloads or reads outside the repository: the data is the package's own
``mnist_keras/data/idx_files`` (verified by SHA-256 on load), and every command a test
runs gets an environment without ``MNIST_DATA_DIR``.
"""

import fcntl
import gc
import json
import os
import pathlib
import shutil
import subprocess
import sys

import pytest

from command_client import REPO, CommandServer, LegacyKerasServer, clean_env

# The files that take longest (tens of seconds of CPU each on 2 cores), started first:
# xdist hands out whole files in collection order (pyproject's --no-loadscope-reorder;
# by default it would start the files with the most tests first), so a long file
# collected last would run alone at the end while the other workers wait.
LONGEST_FIRST = ["test_notebooks.py", "test_tune_cli.py", "test_repro.py",
                 "test_execution.py", "test_cli.py", "test_to_keras.py", "test_beyond.py",
                 "test_tf1_courses.py", "test_v1.py",
                 "test_tune.py", "test_bad_inputs.py", "test_train.py"]


def pytest_collection_finish(session):
    """What collection imported (TensorFlow, Keras: a million objects) is kept out of the
    garbage collector's full passes, which keras-tuner runs twice a trial."""
    gc.freeze()


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable otherwise


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


def run_forked(*args, env=None, timeout=300, cwd=REPO, log=False
               ) -> subprocess.CompletedProcess:
    """``run_cli``, in a child forked from a Python that has imported TensorFlow
    (``tests/command_server.py``): the same command, without TensorFlow's start-up.

    For tests whose subject is not the process's start: its TensorFlow lines and its
    first seconds are ``run_cli``'s. ``args[0]`` is a module, or ``-c`` and code."""
    return run_forked_together([args], [env], timeout=timeout, cwd=cwd, log=log)[0]


def run_forked_together(commands: list, envs: list, timeout=300, cwd=REPO, log=False,
                        legacy_keras=False) -> list[subprocess.CompletedProcess]:
    """Several ``run_forked`` commands side by side (each with its extra environment),
    as processes that talk to each other run: a search's chief and workers, say.
    ``legacy_keras``: forked from a TensorFlow that loaded tf-keras (TF1's tf.layers)."""
    flags = ["--alsologtostderr"] if log else []
    jobs = []
    for args, env in zip(commands, envs, strict=True):
        kind = {"code": args[1], "args": list(args[2:])} if args[0] == "-c" else {
            "module": args[0], "args": [*args[1:], *flags]}
        jobs.append({**kind, "cwd": str(cwd), "env": clean_env(**(env or {}))})
    answers = (LegacyKerasServer if legacy_keras else CommandServer).run(jobs, timeout)
    return [subprocess.CompletedProcess(args, a["status"], a["stdout"], a["stderr"])
            for args, a in zip(commands, answers)]


def run_in_process(invocations: dict[str, list[list[str]]], cwd=REPO, timeout=300
                   ) -> dict[str, list[dict]]:
    """Each command's invocations (``python -m <command> <args>``) run by the command's own
    ``main``, one after another in one Python per command, the commands side by side
    (``tests/command_server.py``): {command: [{status, stdout, stderr}, ...]}.

    A command's flag checks and one-line errors without a process and a TensorFlow
    start-up each; tests still run every command once as a real process.
    """
    env = clean_env()
    answers = CommandServer.run([{"main": command, "invocations": runs, "cwd": str(cwd),
                                   "env": env} for command, runs in invocations.items()],
                                 timeout)
    found = {}
    for command, answer in zip(invocations, answers):
        assert answer["status"] == 0, answer["stderr"][-3000:]
        found[command] = json.loads(answer["stdout"].splitlines()[-1])
    return found


def shared_dir(tmp_path_factory) -> pathlib.Path:
    """A directory that every pytest-xdist worker of this test run sees (their base
    temporary directories' parent), or this process's own without xdist."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


# One stage-5 run through the command, as a user types it, from a directory outside the
# repository: 1 epoch on the 55,000 images (a model that reads drawn digits), exported
# with TFLite, absl's log in its own directory.
STAGE5_FLAGS = ["--stage=5", "--epochs=1", "--export", "--tflite", "--verbose=1"]


@pytest.fixture(scope="session", autouse=True)
def _command_server_directory(tmp_path_factory):
    CommandServer.directory = shared_dir(tmp_path_factory)


@pytest.fixture(scope="session")
def stage5_run(tmp_path_factory) -> dict:
    """The test run's one trained and exported stage 5, shared by the CLI, export,
    predict, serve and page tests: the first worker that asks trains it, the others wait
    for it (a lock file) and read what it printed.

    Returns {returncode, stdout, stderr, cwd, run_dir, export_root, version_dir, log_dir};
    a test must copy ``export_root`` before it adds versions.
    """
    root = shared_dir(tmp_path_factory) / "stage5"
    paths = {"cwd": root / "cwd", "run_dir": root / "run", "export_root": root / "saved_models",
             "version_dir": root / "saved_models" / "stage5" / "1", "log_dir": root / "logs"}
    with open(shared_dir(tmp_path_factory) / "stage5.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        record = root / "result.json"
        if not record.exists():
            shutil.rmtree(root, ignore_errors=True)
            paths["cwd"].mkdir(parents=True)
            paths["log_dir"].mkdir()
            result = run_cli("mnist_keras", *STAGE5_FLAGS, f"--model_dir={paths['run_dir']}",
                             f"--export_root={paths['export_root']}",
                             f"--log_dir={paths['log_dir']}", cwd=paths["cwd"])
            record.write_text(json.dumps({"returncode": result.returncode,
                                          "stdout": result.stdout, "stderr": result.stderr}))
        found = json.loads(record.read_text())
    assert found["returncode"] == 0, found["stderr"][-3000:]
    return {**found, **{k: str(v) for k, v in paths.items()}}
