"""``%%tf1``: a notebook cell of TF1 code, run as written on TensorFlow 2.21.

    %load_ext mnist_keras.tf1
    %%tf1 --show_changes --train_examples=1000 --test_examples=1000

Each cell is upgraded as ``mnist-keras-tf1`` upgrades a file and runs in the notebook's
namespace. The texts split one program over several blocks, so consecutive ``%%tf1``
cells build one graph, as a TF1 notebook's cells did; ``tf.reset_default_graph()``
starts a new one. The graph is entered around each statement rather than switched on for
the whole process, so plain cells (Keras 3 included) keep running eagerly. A ``%%tf1``
cell of Keras 2 code (it imports Keras and uses no ``tf.compat.v1``) runs eagerly, and
so does a cell that continues it without touching ``tf``.

What the cells of the current graph printed is kept in ``_tf1_printed`` (a string, from
the last ``tf.reset_default_graph()`` on), so that a plain cell can read a program's
printed costs back, to draw them.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import linecache
import shlex
import sys

from mnist_keras.errors import InputError
from mnist_keras.tf1 import diagnosis, legacy_modules, runner, upgrade

PRINTED = "_tf1_printed"  # the namespace's name for what this graph's cells printed
PARSER = argparse.ArgumentParser(prog="%%tf1", exit_on_error=False, add_help=False)
PARSER.add_argument("--show_changes", action="store_true")
PARSER.add_argument("--train_examples", type=lambda v: None if v == "None" else int(v))
PARSER.add_argument("--test_examples", type=lambda v: None if v == "None" else int(v))
PARSER.add_argument("--to_keras", action="store_true")


def _tf_bindings(namespace: dict) -> dict:
    """The namespace's names bound to TensorFlow modules (``tf`` of an earlier cell)."""
    return {name: value for name, value in namespace.items()
            if type(value).__name__ in ("module", "TFModuleWrapper", "LazyLoader")
            and getattr(value, "__name__", "").startswith("tensorflow")}


class Tf1Cells:
    """The state consecutive ``%%tf1`` cells share: their graph, and the last mode."""

    def __init__(self, shell):
        self.shell = shell
        self.graph = None
        self.graph_mode = True
        self.count = 0
        self.sources: list[str] = []  # the current graph's cells, for --to_keras
        self.current = ""  # the cell running now

    def new_graph(self):
        import tensorflow as tf

        self.graph = tf.Graph()
        self.shell.user_ns[PRINTED] = ""
        self.sources = [self.current] if self.current else []  # the cell that reset it

    @contextlib.contextmanager
    def _tf1_calls(self):
        """TF1's calls that act on the process, pointed at the cells' graph instead:
        ``reset_default_graph`` starts a new graph; switching eager execution off for the
        whole process (``disable_v2_behavior``) is not needed, and would stop Keras."""
        import tensorflow as tf

        v1 = tf.compat.v1
        saved = {name: getattr(v1, name) for name in (
            "reset_default_graph", "disable_v2_behavior", "disable_eager_execution")}
        v1.reset_default_graph = self.new_graph
        v1.disable_v2_behavior = v1.disable_eager_execution = lambda: None
        try:
            yield
        finally:
            for name, value in saved.items():
                setattr(v1, name, value)

    def _mode(self, program: runner.Program, tree: ast.AST, bindings: dict) -> bool:
        """Graph mode for TF1 code; eagerly for Keras code and what continues it."""
        if not program.graph:
            return False
        uses_tf = any(isinstance(n, ast.Name) and n.id in bindings for n in ast.walk(tree))
        return True if "compat.v1" in program.upgraded.source or uses_tf else self.graph_mode

    def run(self, line: str, cell: str):
        from IPython.core.error import UsageError

        try:
            options = PARSER.parse_args(shlex.split(line))
        except (argparse.ArgumentError, ValueError) as e:
            raise UsageError(f"%%tf1: {e}; options: --show_changes, --train_examples=N, "
                             "--test_examples=N, --to_keras") from None
        if options.to_keras:
            return self.to_keras(cell)
        self.count += 1
        name = f"<%%tf1 cell {self.count}>"
        linecache.cache[name] = (len(cell), None, cell.splitlines(True), name)
        legacy_modules.install()
        runner.quiet()
        if options.train_examples or options.test_examples:
            from mnist_keras.data import input_data

            input_data.limit(options.train_examples, options.test_examples)
        namespace = self.shell.user_ns
        if PRINTED not in namespace:  # a new namespace (%reset): a new graph with it
            self.graph = None
        bindings = _tf_bindings(namespace)
        if self.graph is None:
            self.sources = []
        self.current = cell
        self.sources.append(cell)
        try:
            program = runner.prepare(name, cell, bindings)
        except InputError as e:
            raise UsageError(str(e)) from None
        if options.show_changes and program.changes:
            print("\n".join(runner.change_lines(program, "line ")))
        tree = ast.parse(program.upgraded.source)
        self.graph_mode = self._mode(program, tree,
                                     {**bindings, **upgrade.tensorflow_names(tree)})
        return self._execute(tree, name, namespace)

    def _execute(self, tree: ast.Module, name: str, namespace: dict):
        from IPython.core.error import UsageError

        if self.graph_mode and self.graph is None:
            self.new_graph()
        result, printed = None, _Tee(sys.stdout)
        try:
            with self._tf1_calls(), contextlib.redirect_stdout(printed):
                for i, statement in enumerate(tree.body):
                    last = i == len(tree.body) - 1 and isinstance(statement, ast.Expr)
                    code = compile(ast.Expression(statement.value) if last else
                                   ast.Module([statement], []), name,
                                   "eval" if last else "exec", dont_inherit=True)
                    with self.graph.as_default() if self.graph_mode else \
                            contextlib.nullcontext():
                        result = eval(code, namespace) if last else exec(code, namespace)  # noqa: S102,S307
        except Exception as e:  # noqa: BLE001 -- reported in the learner's terms
            known = diagnosis.known_line(e, name, namespace)
            if known is None:
                sys.stderr.write(diagnosis.learner_traceback(e, name))
            raise UsageError(known or f"{type(e).__name__}: {e}") from None
        finally:
            namespace[PRINTED] = namespace.get(PRINTED, "") + printed.kept.getvalue()
        return result


    def to_keras(self, cell: str):
        """The current graph's cells (and this one's), written as Keras 3 by
        ``mnist-keras-tf1 --to_keras`` in a process of its own; the program is printed
        and put in the next cell, as ``%load`` puts a file."""
        import pathlib
        import subprocess
        import tempfile

        from IPython.core.error import UsageError

        program = "\n".join([*self.sources, cell])
        with tempfile.TemporaryDirectory() as directory:
            source, out = pathlib.Path(directory, "cells.py"), pathlib.Path(directory, "keras.py")
            source.write_text(program, encoding="utf-8")
            done = subprocess.run([sys.executable, "-m", "mnist_keras.tf1",
                                   f"--to_keras={out}", str(source)], capture_output=True,
                                  text=True, cwd=directory)
            written = out.read_text(encoding="utf-8") if out.exists() else None
        lines = [line.replace(str(source), "cells") for line in
                 (done.stdout + done.stderr).splitlines() if line.startswith(
                     ("mnist-keras-tf1:", "proof:")) and " wrote " not in line]
        if written is None:
            tail = (done.stderr.strip().splitlines() or ["nothing written"])[-1]
            raise UsageError("\n".join(lines) or f"%%tf1 --to_keras: {tail}")
        print(written)
        print("\n".join(lines))
        self.shell.set_next_input(written, replace=False)


class _Tee(io.TextIOBase):
    """Writes through to ``stream`` and keeps a copy."""

    def __init__(self, stream):
        super().__init__()
        self.stream, self.kept = stream, io.StringIO()

    def write(self, text: str) -> int:
        self.kept.write(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


def register(ipython) -> None:
    """Registers ``%%tf1`` on ``ipython``."""
    cells = Tf1Cells(ipython)
    ipython.register_magic_function(lambda line, cell: cells.run(line, cell),
                                    magic_kind="cell", magic_name="tf1")
