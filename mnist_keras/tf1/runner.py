"""Runs a TF1-era MNIST program unchanged on TensorFlow 2.21.

The program is read, checked to parse, rewritten in memory by TensorFlow's upgrader
(``tf1.upgrade``), checked for names TensorFlow 2 lacks (``tf1.names``), then run as
``python SCRIPT.py ARGS`` would run it (``__name__ == "__main__"``, ``__file__``,
``sys.argv``, its directory first on ``sys.path``) with the legacy modules served
(``tf1.legacy_modules``). TF1 code runs in graph mode, as TF1 did; a program that
imports Keras and uses no ``tf.compat.v1`` runs eagerly, as Keras 3 needs.
"""

from __future__ import annotations

import ast
import dataclasses
import os
import sys

from mnist_keras.errors import InputError
from mnist_keras.tf1 import (contrib, diagnosis, keras2, legacy_modules, names, numpy2,
                             upgrade)


class ProgramError(InputError):
    """The program cannot run: the message is its one line (``FILE:LINE: ...``)."""


@dataclasses.dataclass(frozen=True)
class Program:
    """A learner's program, and what TensorFlow 2 runs."""

    path: str
    source: str
    upgraded: upgrade.Upgraded
    graph: bool  # run in graph mode (TF1 code), else eagerly (Keras code)
    changes: tuple[upgrade.Change, ...]  # the upgrader's, and the modules served


def read(path: str) -> str:
    """The program's text, or one line saying why not."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        raise ProgramError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ProgramError(f"{path}: a directory, not a Python file") from None
    except UnicodeDecodeError as e:
        raise ProgramError(f"{path}: not UTF-8 text ({e.reason} at byte {e.start})") from None


def wants_legacy_keras(source: str) -> bool:
    """Whether the program calls TF1's ``tf.layers``, RNN cells or contrib's layers, which
    run on tf-keras; decided before TensorFlow loads, when ``TF_USE_LEGACY_KERAS`` can
    still take effect."""
    return upgrade.needs_legacy_keras(source)


def check_syntax(path: str, source: str) -> None:
    try:
        compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as e:
        raise ProgramError(diagnosis.syntax_line(e, source.splitlines())) from None


def _checked(check):
    """What a check of the program found; None where the check itself failed: a check of
    ours must never stop a program, which then fails, if it does, in its own terms."""
    try:
        return check()
    except InputError:
        raise
    except Exception:  # noqa: BLE001 -- see above
        return None


def _upgraded(path: str, source: str) -> upgrade.Upgraded:
    """The program as TensorFlow 2 runs it: the upgrader's renames, then Keras 2's."""
    try:
        upgraded = upgrade.upgrade(source)
    except upgrade.UpgraderError as e:
        where, what = (f"{path}:{e.line}", "line") if e.line else (path, "program")
        raise ProgramError(f"{where}: TensorFlow's upgrader (tf_upgrade_v2) fails on this "
                           f"{what} ({e}); write it another way") from None
    text, renamed = keras2.rename(upgraded.source)
    changes = tuple(contrib.annotate(c) for c in upgraded.changes)
    return upgrade.Upgraded(text, changes + renamed)


def _modules(path: str, tree: ast.AST) -> dict:
    """The TensorFlow modules the program's imports bind; a removed one is its line."""
    import importlib

    modules = {}
    for name, (module, line) in upgrade.tensorflow_names(tree).items():
        hint = names.removed_hint(module)
        if hint:
            raise ProgramError(f"{path}:{line}: import {module}: {hint}")
        found = _checked(lambda: importlib.import_module(module))
        if found is not None:
            modules[name] = found
    return modules


def prepare(path: str, source: str, bindings: dict | None = None) -> Program:
    """The program upgraded and checked, or one line (:class:`ProgramError`).

    Args:
      bindings: names already bound to TensorFlow modules (a notebook's earlier cells),
        besides those the program imports.
    """
    check_syntax(path, source)
    upgraded = _upgraded(path, source)
    tree = ast.parse(upgraded.source)
    if upgraded.needs_legacy_keras and os.environ.get(legacy_modules.LEGACY_KERAS) != "1":
        raise ProgramError(f"{path}: tf.layers, TF1's RNN cells and contrib's layers need "
                           f"tf-keras loaded before TensorFlow: set "
                           f"{legacy_modules.LEGACY_KERAS}=1")
    modules = {**(bindings or {}), **_modules(path, tree)}
    for check in (lambda: names.first_unknown(tree, modules),
                  lambda: numpy2.first_removed(tree), lambda: keras2.first_removed(tree)):
        unknown = _checked(check)
        if unknown:
            raise ProgramError(f"{path}:{unknown.line}: {unknown.hint}")
    keras_only = upgrade.keras_code(tree) and "compat.v1" not in upgraded.source
    served = [upgrade.Change(line, "INFO", f"{upgrade.OURS}: {text}")
              for line, text in _checked(lambda: legacy_modules.notes(tree)) or []]
    changes = tuple(sorted([*upgraded.changes, *served], key=lambda c: c.line))
    return Program(path, source, upgraded, not keras_only, changes)


def change_lines(program: Program, where: str) -> list[str]:
    """The report of changes, two lines each: ``{where}{line}: what changed`` (warnings
    and errors marked so), then the line as it runs now."""
    changed, lines = program.upgraded.source.splitlines(), []
    for change in program.changes:
        mark = "" if change.severity == "INFO" else f"{change.severity}: "
        lines.append(f"{where}{change.line}: {mark}{' '.join(change.message.split())}")
        if 0 < change.line <= len(changed):
            lines.append(f"    {changed[change.line - 1].strip()}")
    return lines


def quiet() -> None:
    """TensorFlow's and Keras' notices that old names are deprecated, off: the report of
    changes says it better, and they print this machine's paths."""
    import logging
    import warnings

    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    for message in (r".*is deprecated", r"Do not pass an `input_shape`"):
        warnings.filterwarnings("ignore", message=message, category=UserWarning)
    warnings.filterwarnings("ignore", category=DeprecationWarning)


def run(program: Program, args: list[str]) -> int:
    """Runs ``program`` as ``python PATH ARGS`` would; its exit status.

    Raises:
      ProgramError: a known failure (``tf1.diagnosis``), in one line.
    """
    import tensorflow as tf

    quiet()
    if program.graph:
        tf.compat.v1.disable_eager_execution()  # TF1's way: build a graph, run a Session
    sys.argv = [program.path, *args]
    sys.path[0] = os.path.dirname(os.path.abspath(program.path))
    namespace = {"__name__": "__main__", "__file__": program.path, "__builtins__": __builtins__}
    code = compile(program.upgraded.source, program.path, "exec", dont_inherit=True)
    try:
        exec(code, namespace)  # noqa: S102 -- running the learner's program is the point
    except SystemExit as e:  # sys.exit(status) or sys.exit("message"), as Python exits
        if isinstance(e.code, int) or e.code is None:
            return e.code or 0
        print(e.code, file=sys.stderr)
        return 1
    except Exception as e:  # noqa: BLE001 -- every failure is reported, in their terms
        line = diagnosis.known_line(e, program.path, namespace)
        if line:
            raise ProgramError(line) from None
        sys.stderr.write(diagnosis.learner_traceback(e, program.path))
        return 1
    return 0


def standalone(program: Program) -> str:
    """The upgraded program as a file that plain ``python`` runs where mnist-keras is
    installed: two lines after its docstring and ``__future__`` imports serve the legacy
    modules and set the mode TensorFlow runs in."""
    lines = program.upgraded.source.splitlines(keepends=True)
    body = ast.parse(program.upgraded.source).body
    after = 0
    for node in body:
        docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
            and isinstance(node.value.value, str) and after == 0
        if not (docstring or isinstance(node, ast.ImportFrom) and node.module == "__future__"):
            break
        after = node.end_lineno
    header = (f"# {os.path.basename(program.path)}, upgraded for TensorFlow 2 by "
              "mnist-keras-tf1 (TensorFlow's tf_upgrade_v2, plus tf.layers).\n"
              "from mnist_keras.tf1 import legacy_modules as _legacy  # serves input_data, "
              "Keras 2's modules\n"
              f"_legacy.prepare(graph={program.graph}, "
              f"legacy_keras={program.upgraded.needs_legacy_keras})\n")
    return "".join(lines[:after]) + header + "".join(lines[after:])
