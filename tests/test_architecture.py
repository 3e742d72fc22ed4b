"""The shape of the code: no import cycles, small files and functions, FLAGS read only by
the commands, and no name that shadows a Keras or TF name with another meaning."""

import ast
import pathlib
import re

import keras
import pytest
import tensorflow as tf

from conftest import REPO

PACKAGES = ("mnist_keras", "stages")
COMMANDS = {"mnist_keras.__main__", "mnist_keras.tune", "mnist_keras.ladder",
            "mnist_keras.export", "mnist_keras.predict", "mnist_keras.numpy_infer",
            "mnist_keras.serve", "mnist_keras.tf1.__main__"}
MAX_FILE_LINES = 300
MAX_FUNCTION_LINES = 45  # "about 40": a docstring's Args block may tip one over


def _modules() -> dict[str, pathlib.Path]:
    found = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def imports(path: pathlib.Path, modules: dict) -> set[str]:
    """The project modules ``path`` imports, at module level or inside functions."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name in modules}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:  # "from package import module" names the module
                full = f"{node.module}.{alias.name}"
                out.add(full if full in modules else node.module)
    return out & set(modules)


def test_the_import_graph_has_no_cycle():
    modules = _modules()
    graph = {name: imports(path, modules) - {name} for name, path in modules.items()}
    state: dict[str, str] = {}

    def visit(name, trail):
        state[name] = "open"
        for dep in sorted(graph[name]):
            if state.get(dep) == "open":
                pytest.fail("import cycle: " + " -> ".join(trail[trail.index(dep):] + [dep]))
            if dep not in state:
                visit(dep, trail + [dep])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert len(graph) > 40  # the walk saw the package


@pytest.mark.parametrize("name, path", sorted(_modules().items()))
def test_files_and_functions_are_small(name, path):
    source = path.read_text()
    assert len(source.splitlines()) <= MAX_FILE_LINES, name
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            assert length <= MAX_FUNCTION_LINES, f"{name}.{node.name}: {length} lines"


@pytest.mark.parametrize("name, path", sorted(_modules().items()))
def test_only_the_commands_read_flags(name, path):
    if name in COMMANDS or name in ("mnist_keras.cli_flags", "mnist_keras.console"):
        return
    assert not re.search(r"(?<![A-Z_])FLAGS\b", path.read_text()), name


def test_no_class_or_module_shadows_a_keras_or_tf_name():
    keras_names = {n for n in dir(keras.layers) + dir(keras.optimizers) + dir(keras)
                   if n[:1].isupper()}
    ours = set()
    for path in _modules().values():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                ours.add(node.name)
    assert not ours & keras_names, ours & keras_names
    module_names = {name.rpartition(".")[2] for name in _modules()}
    assert not module_names & {"v1", "layers", "models", "optimizers", "sequential"}
    assert tf.compat.v1  # the one meaning of "v1": TF1's API
