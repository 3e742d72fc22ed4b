"""The notebooks run top to bottom (the quick settings of ``notebooks/execute.py``), print
the texts' lines, build models of the stages' pinned sizes, and stay the library's
models: the same weights give the same logits in the notebook's Keras model, its TF1
graph and the library's stage."""

import concurrent.futures
import json
import os
import re
import sys

import jupyter_client
import jupytext
import nbclient
import nbformat
import pytest

from command_client import DIRECTORY_VARIABLE, CommandServer
from conftest import REPO
from test_stages import PARAMS

sys.path.insert(0, str(REPO / "notebooks"))
import execute  # noqa: E402

NOTEBOOKS = execute.names()
ANSI = re.compile(r"\x1b\[[0-9;]*m")  # colours in Keras' model summary

# Test-only cells, run after a notebook: the same weights in the notebook's Keras model,
# its TF1 graph and the library's stage; the largest difference of each (as
# probabilities where the notebook's models end in a softmax, as the experts' CNN does).
DRIFT = """
import json as _json
import numpy as _np
from mnist_keras import registry as _registry
_images = {images}[:200]
_weights = {model}.get_weights()
_library = _registry.get("{stage}").build_model()
_library.set_weights(_weights)
with {graph}.as_default():
    {session}.run([_v.assign(_w) for _v, _w in zip({variables}, _weights)])
_ours = {model}(_images, training=False).numpy()
_lib = _library(_images, training=False).numpy()
if {probabilities}:
    _lib = _np.exp(_lib - _lib.max(1, keepdims=True))
    _lib = _lib / _lib.sum(1, keepdims=True)
print("DRIFT " + _json.dumps({{
    "library": float(_np.abs(_lib - _ours).max()),
    "tf1": float(_np.abs({session}.run({logits}, {{{x}: _images, {keep_prob}: 1.0}}) - _ours)
                 .max())}}))
"""
CHECKS = {
    "002_accuracy_ladder": dict(  # an MLP: rung 8, dropout and all
        images="X_test", model='ladder[8]["model"]', stage="8", graph="W1.graph",
        session="sess", variables="[W1, b1, W2, b2, W3, b3, W4, b4, W5, b5]",
        logits="logits", x="X", keep_prob="keep_prob", probabilities=False),
    "003_experts_softmax_and_cnn": dict(  # the CNN, softmax out
        images="mnist.test.images", model="cnn", stage="9", graph="W_conv1.graph",
        session="sess", variables="cnn_weights", logits="y_conv", x="x",
        keep_prob="keep_prob", probabilities=True),
}

# What each notebook prints as its text did, and the parameters of its models, in order.
LINES = {
    "000_sigmoid_dnn": ["cost 값은 : ", "정확도는 "],
    "001_softmax_hidden_dnn": ["Epoch: 0001 cost = ", "Learning Finished!", "Accuracy: "],
    "002_accuracy_ladder": ["Epoch: 0001 cost = ", "Learning Finished!", "Accuracy(train): ",
                            "Accuracy(test): ", "Label:  [", "Prediction:  [",
                            "Test accuracy: "],
    "003_experts_softmax_and_cnn": ["step 0, training accuracy ", "test accuracy "],
    "004_numpy_inference": ["Accuracy:", "Accuracy: "],
    "beyond": ["step 1, training accuracy ", "test accuracy "],
}
MODELS = {
    "000_sigmoid_dnn": ["sigmoid"] * 2,
    "001_softmax_hidden_dnn": ["softmax_hidden"] * 2,
    "002_accuracy_ladder": [stage for stage in "012345678" for _ in range(2)]
    + ["keras_dropout"],
    "003_experts_softmax_and_cnn": ["experts_softmax"] * 2 + ["9"] * 2,
    "004_numpy_inference": ["numpy_sigmoid"],
    "beyond": ["10", "14", "18", "22", "23"],
}


# Two kernels side by side, each running its notebooks one after another. Each is IPython's
# kernel forked from the command server (tests/forked_kernel.py): it starts with TensorFlow
# imported, as the notebooks' first cells would leave it.
FORKED_KERNEL = REPO / "tests" / "forked_kernel.py"
KERNELS = [["000_sigmoid_dnn", "001_softmax_hidden_dnn", "002_accuracy_ladder",
            "004_numpy_inference"], ["003_experts_softmax_and_cnn", "beyond"]]


def _run_in_one_kernel(names: list[str]) -> dict:
    """{name: (the executed notebook, what it printed)}, run in one kernel, a namespace
    reset before each (so that none leans on another's names), in the quick settings,
    with the drift checks after."""
    manager = jupyter_client.KernelManager(kernel_name="python3")
    manager.kernel_spec.argv = [sys.executable, str(FORKED_KERNEL), "-f", "{connection_file}"]
    manager.start_kernel(cwd=str(execute.HERE), env={
        **{k: v for k, v in os.environ.items() if k != "MNIST_DATA_DIR"},
        DIRECTORY_VARIABLE: str(CommandServer.directory)})
    found = {}
    try:
        for name in names:
            notebook = execute.load(name, quick=True)
            notebook.cells.insert(0, nbformat.v4.new_code_cell("%reset -f"))
            if name in CHECKS:
                notebook.cells.append(nbformat.v4.new_code_cell(DRIFT.format(**CHECKS[name])))
            nbclient.NotebookClient(notebook, km=manager, timeout=600,
                                    resources={"metadata": {"path": str(execute.HERE)}}
                                    ).execute()
            found[name] = notebook, "".join(_text(output) for cell in notebook.cells
                                            if cell.cell_type == "code"
                                            for output in cell.get("outputs", []))
    finally:
        manager.shutdown_kernel(now=True)
    return found


@pytest.fixture(scope="module")
def executed():
    """Every notebook, executed (``_run_in_one_kernel``), the two kernels side by side."""
    with concurrent.futures.ThreadPoolExecutor(len(KERNELS)) as pool:
        return {name: result for done in pool.map(_run_in_one_kernel, KERNELS)
                for name, result in done.items()}


def _text(output) -> str:
    """What an output shows as text: printed lines, or a display's plain text."""
    if output.output_type == "stream":
        return output.text if output.name == "stdout" else ""
    return ANSI.sub("", output.get("data", {}).get("text/plain", "")) + "\n"


def test_every_notebook_is_here():
    assert sorted(sum(KERNELS, [])) == NOTEBOOKS == ["000_sigmoid_dnn", "001_softmax_hidden_dnn", "002_accuracy_ladder",
                         "003_experts_softmax_and_cnn", "004_numpy_inference", "beyond"]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_a_notebook_prints_the_texts_lines(executed, name):
    _, printed = executed[name]
    lines = printed.splitlines()
    for start in LINES[name]:
        assert any(line.startswith(start) for line in lines), start


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_its_models_have_the_stages_sizes(executed, name):
    _, printed = executed[name]
    counts = [int(n.replace(",", "")) for n in re.findall(
        r"^(?:TF1 graph|Keras model): ([\d,]+) parameters$", printed, re.MULTILINE)]
    assert counts == [PARAMS[stage] for stage in MODELS[name]]


def test_the_texts_keras_part_has_its_size(executed):
    _, printed = executed["002_accuracy_ladder"]
    assert f"Total params: {PARAMS['keras_dropout']:,}" in printed


@pytest.mark.parametrize("name", list(CHECKS))
def test_the_notebook_the_library_and_tf1_give_the_same_logits(executed, name):
    _, printed = executed[name]
    drift = json.loads(printed.split("DRIFT ")[1].splitlines()[0])
    assert drift["library"] <= 1e-5 and drift["tf1"] <= 1e-5, drift


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_the_committed_notebook_is_its_source_with_small_outputs(name):
    # The .py is what a diff shows; the .ipynb is what GitHub shows: the same cells.
    source = jupytext.read(execute.HERE / f"{name}.py")
    path = execute.HERE / f"{name}.ipynb"
    committed = nbformat.read(path, as_version=4)
    assert [(c.cell_type, c.source) for c in committed.cells] == [
        (c.cell_type, c.source) for c in source.cells]
    # Outputs from a run with the notebook's own settings, or none at all.
    ran = any(c.get("outputs") for c in committed.cells if c.cell_type == "code")
    assert committed.metadata["mnist_keras"]["settings"] == ("full" if ran else "not run")
    assert path.stat().st_size < 500_000  # outputs kept small: pictures of about 20 KB each


def test_the_readmes_code_is_the_notebooks():
    quoted = re.findall(r"<!-- (notebooks/\S+) -->\n```python\n(.*?)```",
                        (REPO / "README.md").read_text(), re.DOTALL)
    assert len(quoted) >= 2
    for path, code in quoted:
        assert code in (REPO / path).read_text(), path
    for name in NOTEBOOKS:  # each linked, in both READMEs
        for readme in ("README.md", "README.ko.md"):
            assert f"(notebooks/{name}.ipynb)" in (REPO / readme).read_text(), (readme, name)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_a_notebook_draws_a_picture(executed, name):
    notebook, _ = executed[name]
    assert any("image/png" in output.get("data", {}) for cell in notebook.cells
               if cell.cell_type == "code" for output in cell.get("outputs", []))


# What a learner must not see in an output: TensorFlow's C++ log lines, CUDA probes,
# retracing and deprecation warnings, this machine's paths.
NOISE = re.compile(r"^[EIWF]\d{4} \d\d:\d\d|absl::InitializeLog|cuInit|CUDA|retracing|"
                   r"DeprecationWarning|UserWarning|is deprecated|site-packages|\.venv|"
                   r"/work/|/root/|/home/|/tmp/", re.MULTILINE)


def _outputs_text(notebook) -> str:
    return "".join(output.get("text", "") + output.get("data", {}).get("text/plain", "")
                   + "".join(output.get("traceback", []))
                   for cell in notebook.cells if cell.cell_type == "code"
                   for output in cell.get("outputs", []))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_outputs_carry_no_noise(executed, name):
    committed = nbformat.read(execute.HERE / f"{name}.ipynb", as_version=4)
    for notebook in (committed, executed[name][0]):  # what is shown, and a run of it now
        found = NOISE.search(_outputs_text(notebook))
        assert found is None, (name, found and _outputs_text(notebook)[
            max(0, found.start() - 200):found.end() + 200])


def _tf1_cells(notebook) -> list[str]:
    return [cell.source.split("\n", 1)[1] for cell in notebook.cells
            if cell.cell_type == "code" and cell.source.startswith("%%tf1")]


def test_every_tf1_name_the_notebooks_use_is_in_the_map():
    import ast

    doc = (REPO / "docs" / "tf1-to-keras.md").read_text()
    found = set()
    for name in NOTEBOOKS:
        for source in _tf1_cells(jupytext.read(execute.HERE / f"{name}.py")):
            for node in ast.walk(ast.parse(source)):
                parts, value = [], node
                while isinstance(value, ast.Attribute):
                    parts.append(value.attr)
                    value = value.value
                if parts and isinstance(value, ast.Name) and value.id == "tf":
                    found.add(".".join(["tf", *reversed(parts)]))
    longest = {n for n in found if not any(m.startswith(n + ".") for m in found)}
    assert len(longest) > 30
    missing = sorted(n for n in longest if not re.search(re.escape(n) + r"(?!\w)", doc))
    assert not missing, missing
    for name in NOTEBOOKS:  # each notebook links it
        assert "docs/tf1-to-keras.md" in (execute.HERE / f"{name}.py").read_text(), name


def test_every_rung_of_002_has_its_whole_program_in_both_apis():
    cells = jupytext.read(execute.HERE / "002_accuracy_ladder.py").cells
    sections = [i for i, c in enumerate(cells) if c.cell_type == "markdown"
                and c.source.startswith("## ")]
    starts = [i for i in sections if re.match(r"## \d단계", cells[i].source)]
    assert len(starts) == 9
    for rung, begin in enumerate(starts):
        end = next(i for i in sections + [len(cells)] if i > begin)
        code = [c.source for c in cells[begin:end] if c.cell_type == "code"]
        tf1 = "\n".join(s for s in code if s.startswith("%%tf1 --show_changes"))
        for line in ("tf.reset_default_graph()", "X = tf.placeholder", "cost = ",
                     "sess.run(init)", "for epoch in range(training_cnt):",
                     "print('Accuracy(test):'", "print(\"Prediction: \""):
            assert line in tf1, (rung, line)
        assert len([s for s in code if s.startswith("%%tf1 --show_changes")]) == 4, rung
        [keras] = [s for s in code if "keras.Sequential(" in s]
        for line in ("model.compile(", "model.fit(", "model.evaluate(", "Keras model: "):
            assert line in keras, (rung, line)
        assert (rung == 0) == ("◀ 바뀜" not in tf1), rung  # each later rung marks its change
