"""A Python that has imported TensorFlow once and runs commands in forked children.

Importing TensorFlow takes a process about 4 s of CPU, and most commands a test runs
would pay it again. This server imports TensorFlow and Keras (which starts none of
TensorFlow's runtime: no device, no thread pool), then answers each request by forking
one child per job: a child starts where a new Python would be once those imports are
done, with its own directory, environment and standard streams, and exits with the
command's status. Tests whose subject is the process itself (TensorFlow's start-up
lines, Ctrl-C, concurrent workers, servers) start real processes instead.

Protocol: a JSON list of jobs per line on stdin, a JSON list of answers per line on
stdout, in order. A job is {"cwd", "env"} and one of:

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
import gc
import importlib
import io
import json
import os
import runpy
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


def _child(job: dict, out: int, err: int) -> None:
    status = 1
    try:
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


def _start(job: dict):
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    pid = os.fork()
    if pid == 0:
        _child(job, out.fileno(), err.fileno())
    return pid, out, err


def _answer(pid: int, out, err) -> dict:
    _, wait_status = os.waitpid(pid, 0)
    status = os.waitstatus_to_exitcode(wait_status)
    texts = []
    for f in (out, err):
        f.seek(0)
        texts.append(f.read().decode(errors="replace"))
        f.close()
    return {"status": status, "stdout": texts[0], "stderr": texts[1]}


def main() -> None:
    import keras  # noqa: F401 - and with it TensorFlow, for every child
    import tensorflow  # noqa: F401

    # The imports' million objects out of the collector's reach: a child's collections
    # then neither scan them nor write to (and so copy) the pages they share with us.
    gc.freeze()
    protocol = sys.stdout
    print("ready", file=protocol, flush=True)
    for line in sys.stdin:
        started = [_start(job) for job in json.loads(line)]
        print(json.dumps([_answer(*child) for child in started]), file=protocol,
              flush=True)


if __name__ == "__main__":
    main()
