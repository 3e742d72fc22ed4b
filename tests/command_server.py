"""A Python that has imported TensorFlow once and runs commands in forked children.

Importing TensorFlow takes a process about 4 s of CPU, and most commands a test runs
would pay it again. This server imports TensorFlow and Keras (which starts none of
TensorFlow's runtime: no device, no thread pool), then answers each request by forking
one child per job: a child starts where a new Python would be once those imports are
done, with its own directory, environment and standard streams, and exits with the
command's status. Tests whose subject is the process itself (TensorFlow's start-up
lines, Ctrl-C, concurrent workers, servers) start real processes instead.

One server serves the whole test run: ``python command_server.py SOCKET LOCK`` listens
on the Unix socket SOCKET, and every pytest-xdist worker connects to it (the first to
ask starts it, under the lock file LOCK). It ends when its last client has gone.

Protocol, per connection: a JSON list of jobs per line; for each line, a JSON list of
the children's process ids (each leads its own process group, so that a client can kill
a command that overruns), then a JSON list of answers, in order. A job is {"cwd", "env"}
and one of:

- {"module", "args"}: ``python -m <module> <args>``;
- {"code", "args"}: ``python -c <code> <args>``;
- {"main", "invocations"}: each invocation (the arguments after ``python -m <main>``)
  parsed by the command's own flag parser and run by its ``main``, as ``absl.app.run``
  would, one after another in the one child, the flags reset between them; stdout is
  a JSON list of {status, stdout, stderr}, what each printed through ``sys.stdout`` and
  ``sys.stderr``.

An answer is {"status", "stdout", "stderr"}; the jobs of one line run side by side.
"""

import contextlib
import fcntl
import gc
import importlib
import io
import json
import os
import runpy
import selectors
import signal
import socket
import sys
import tempfile
import traceback


def _in_process(module, argv: list[str]) -> dict:
    """One invocation of a command's ``main`` in this Python, as ``absl.app.run``."""
    from absl import flags

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            flags.FLAGS.unparse_flags()
            parse = module.console.flags_parser(module.PROGRAM)
            status = module.main(parse([module.PROGRAM, *argv])) or 0
        except SystemExit as e:  # as Python ends a process: a message means status 1
            status = _exit_status(e)
    return {"status": status, "stdout": out.getvalue(), "stderr": err.getvalue()}


def _exit_status(e: SystemExit) -> int:
    """What a process ends with on ``e``; a message goes to stderr, as Python's."""
    if e.code is None or isinstance(e.code, int):
        return e.code or 0
    print(e.code, file=sys.stderr)
    return 1


def _streams(out: int, err: int) -> None:
    """Standard output and error to the given files, at the descriptor level (so that
    TensorFlow's C++ lines land there too); standard input from /dev/null."""
    os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
    os.dup2(out, 1)
    os.dup2(err, 2)
    sys.stdin = open(0, "r", closefd=False)
    sys.stdout = io.TextIOWrapper(open(1, "wb", closefd=False), write_through=True)
    sys.stderr = io.TextIOWrapper(open(2, "wb", closefd=False), write_through=True)


def _run(job: dict) -> int:
    """The job's exit status, as ``python`` would end with it."""
    if "main" in job:
        name = job["main"] if job["main"] != "mnist_keras" else "mnist_keras.__main__"
        module = importlib.import_module(name)
        results = [_in_process(module, argv) for argv in job["invocations"]]
        sys.stdout.write(json.dumps(results) + "\n")
        return 0
    try:
        if "module" in job:
            sys.argv, sys.path[0] = [job["module"], *job["args"]], os.getcwd()
            runpy.run_module(job["module"], run_name="__main__", alter_sys=True)
        else:
            sys.argv, sys.path[0] = ["-c", *job["args"]], ""
            exec(compile(job["code"], "<string>", "exec"), {"__name__": "__main__"})
    except SystemExit as e:
        return _exit_status(e)
    except BaseException:  # noqa: BLE001 - as Python reports an uncaught exception
        traceback.print_exc()
        return 1
    return 0


def _child(job: dict, out: int, err: int, inherited: list[int]) -> None:
    status = 1
    try:
        os.setpgid(0, 0)
        for fd in inherited:  # the server's sockets and process descriptors
            os.close(fd)
        os.chdir(job["cwd"])
        os.environ.clear()
        os.environ.update(job["env"])
        _streams(out, err)
        status = _run(job)
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - the child is ending either way
                pass
        os._exit(status)  # nothing of the server's (atexit, buffers) runs twice


class _Server:
    """The server's one thread: it forks (a fork from one thread of several could copy a
    held lock), reads requests and reaps children as a selector reports them."""

    def __init__(self, listener: socket.socket, lock_path: str):
        self.listener, self.lock_path = listener, lock_path
        self.selector = selectors.DefaultSelector()
        self.selector.register(listener, selectors.EVENT_READ, self._accept)
        self.clients = {}  # connection: bytes received and not yet a whole line
        self.children = {}  # pid: (pidfd, out, err, the request, its index)

    def serve(self) -> None:
        while True:
            for key, _ in self.selector.select(timeout=None if self.clients else 0.5):
                key.data(key.fileobj)
            if not self.clients and not self.children and self._may_end():
                return

    def _accept(self, listener) -> None:
        connection, _ = listener.accept()
        self.clients[connection] = b""
        self.selector.register(connection, selectors.EVENT_READ, self._read)

    def _read(self, connection) -> None:
        data = connection.recv(1 << 16)
        if not data:  # the client has gone: so have its commands
            self.selector.unregister(connection)
            del self.clients[connection]
            for pid, child in list(self.children.items()):
                if child[3]["connection"] is connection:
                    with contextlib.suppress(ProcessLookupError):  # ended meanwhile
                        os.killpg(pid, signal.SIGKILL)
            connection.close()
            return
        self.clients[connection] += data
        while b"\n" in self.clients[connection]:
            line, self.clients[connection] = self.clients[connection].split(b"\n", 1)
            self._start(connection, json.loads(line))

    def _start(self, connection, jobs: list[dict]) -> None:
        request = {"connection": connection, "answers": [None] * len(jobs)}
        inherited = [self.selector.fileno(), self.listener.fileno(),
                     *(c.fileno() for c in self.clients),
                     *(child[0] for child in self.children.values())]
        pids = []
        for index, job in enumerate(jobs):
            out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
            pid = os.fork()
            if pid == 0:
                _child(job, out.fileno(), err.fileno(), inherited)
            with contextlib.suppress(OSError):  # as the child does: whichever runs first
                os.setpgid(pid, pid)
            pidfd = os.pidfd_open(pid)
            self.children[pid] = (pidfd, out, err, request, index)
            self.selector.register(pidfd, selectors.EVENT_READ, lambda _, pid=pid: self._reap(pid))
            pids.append(pid)
        connection.sendall((json.dumps(pids) + "\n").encode())

    def _reap(self, pid: int) -> None:
        pidfd, out, err, request, index = self.children.pop(pid)
        self.selector.unregister(pidfd)
        os.close(pidfd)
        request["answers"][index] = _answer(pid, out, err)
        if all(request["answers"]) and request["connection"] in self.clients:
            request["connection"].sendall((json.dumps(request["answers"]) + "\n").encode())

    def _may_end(self) -> bool:
        """True when no client connects: checked under the clients' lock, so that one
        that has just connected is served and a later one starts a server of its own."""
        with open(self.lock_path, "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if self.selector.select(timeout=0):
                return False
            os.unlink(self.listener.getsockname())
            return True


def _answer(pid: int, out, err) -> dict:
    _, wait_status = os.waitpid(pid, 0)
    status = os.waitstatus_to_exitcode(wait_status)
    texts = []
    for f in (out, err):
        f.seek(0)
        texts.append(f.read().decode(errors="replace"))
        f.close()
    return {"status": status, "stdout": texts[0], "stderr": texts[1]}


def main(socket_path: str, lock_path: str) -> None:
    import keras  # noqa: F401 - and with it TensorFlow, for every child
    import tensorflow  # noqa: F401

    # The imports' million objects out of the collector's reach: a child's collections
    # then neither scan them nor write to (and so copy) the pages they share with us.
    gc.freeze()
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(socket_path)
    listener.listen()
    print("ready", flush=True)
    _Server(listener, lock_path).serve()


if __name__ == "__main__":
    main(*sys.argv[1:])
