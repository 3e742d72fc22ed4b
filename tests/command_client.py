"""The tests' side of ``tests/command_server.py``: one server for the whole test run,
shared by its pytest-xdist workers (the first that asks starts it), and the environment
of the commands the tests run."""

import atexit
import contextlib
import fcntl
import json
import os
import pathlib
import select
import signal
import socket
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[1]
# Names the server's directory to a process that is not a pytest worker (forked_kernel.py).
DIRECTORY_VARIABLE = "MNIST_KERAS_TEST_COMMANDS"


def clean_env(**extra) -> dict:
    """The environment of a command a test runs: no MNIST_DATA_DIR, no user TF log level."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MNIST_DATA_DIR", "TF_CPP_MIN_LOG_LEVEL")}
    return {**env, **extra}


class CommandServer:
    """This test run's ``tests/command_server.py``, shared by its pytest-xdist workers:
    the first worker that asks starts it, the others connect to it."""

    directory: pathlib.Path | None = None  # the run's shared temporary directory
    connection: socket.socket | None = None
    received = b""
    SOCKET = "commands.sock"
    ENV: dict = {}  # what the server's environment adds, before it imports TensorFlow

    @classmethod
    def _connect(cls) -> None:
        path = cls.directory / cls.SOCKET
        with open(f"{path}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # held until connected: the server ends under it
            cls.connection = socket.socket(socket.AF_UNIX)
            try:
                cls.connection.connect(str(path))
            except (FileNotFoundError, ConnectionRefusedError):  # none, or a killed one's
                path.unlink(missing_ok=True)
                server = subprocess.Popen(
                    [sys.executable, str(pathlib.Path(__file__).with_name("command_server.py")),
                     str(path), f"{path}.lock"],
                    cwd=REPO, env=clean_env(TF_CPP_MIN_LOG_LEVEL="3", **cls.ENV), text=True,
                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                    start_new_session=True)  # no terminal's Ctrl-C reaches it
                ready = server.stdout.readline()
                server.stdout.close()
                assert ready == "ready\n", "the command server died"
                cls.connection.connect(str(path))
        atexit.register(cls.connection.close)  # the server ends with its last client

    @classmethod
    def _line(cls, timeout: float | None = None):
        """The server's next line, as JSON; None if none came within ``timeout`` s."""
        while b"\n" not in cls.received:
            if not select.select([cls.connection], [], [], timeout)[0]:
                return None
            data = cls.connection.recv(1 << 20)
            assert data, "the command server died"
            cls.received += data
        line, cls.received = cls.received.split(b"\n", 1)
        return json.loads(line)

    @classmethod
    def run(cls, jobs: list[dict], timeout: float | None) -> list[dict]:
        """The jobs' answers; their commands killed if none came within ``timeout`` s."""
        if cls.connection is None:
            cls._connect()
        cls.connection.sendall((json.dumps(jobs) + "\n").encode())
        pids = cls._line()
        answers = cls._line(timeout)
        if answers is None:
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
            cls._line()  # their answers: killed
            raise AssertionError(f"no answer within {timeout} s: {jobs}")
        return answers


class LegacyKerasServer(CommandServer):
    """A second server whose TensorFlow loaded tf-keras (``TF_USE_LEGACY_KERAS=1``), as
    ``mnist-keras-tf1`` loads it for TF1's ``tf.layers``, RNN cells and contrib layers:
    for the programs that need it, which a fork of the first server cannot run."""

    connection: socket.socket | None = None
    received = b""
    SOCKET = "commands-legacy.sock"
    ENV = {"TF_USE_LEGACY_KERAS": "1"}
