"""Runs notebooks top to bottom and keeps their outputs: how the committed ones were made.

  python notebooks/execute.py                        # every notebook, its own settings
  python notebooks/execute.py 000_sigmoid_dnn        # one
  python notebooks/execute.py --quick --out=/tmp/nb  # the tests' quick settings, elsewhere

Each notebook is its jupytext pair: ``NAME.py`` (percent format, what a diff shows) is the
source, ``NAME.ipynb`` the same cells with their outputs. A full run reads the ``.py``,
executes it in a fresh ``python3`` kernel with nbclient from the notebook's folder, and
writes ``NAME.ipynb`` (outputs, and the seconds it took and the settings in its
metadata). ``--quick`` injects ``QUICK`` below after the cell tagged ``parameters``
(papermill's convention); ``--no_run`` writes the cells alone.
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import time

import jupytext
import nbclient
import nbformat

HERE = pathlib.Path(__file__).resolve().parent
# Few epochs or steps on a thousand training images: what the test suite runs. The CNNs
# (003 and beyond) take 4 steps and are tested on 200 images, the drift checks' number.
QUICK = {name: {"train_examples": 1000, "test_examples": 1000, **changes}
         for name, changes in {
    "000_sigmoid_dnn": {"num_of_epoch": 1},
    "001_softmax_hidden_dnn": {"training_epochs": 1},
    "002_accuracy_ladder": {"training_cnt": 1},
    "003_experts_softmax_and_cnn": {"softmax_steps": 10, "cnn_steps": 4, "log_every": 2,
                                    "test_examples": 200},
    "004_numpy_inference": {"epochs": 1},
    "beyond": {"steps": 4, "log_every": 2, "test_examples": 200},
}.items()}


def names() -> list[str]:
    """Every notebook, by its file name without ``.py``."""
    return sorted(p.stem for p in HERE.glob("*.py") if p.stem in QUICK)


def load(name: str, parameters: dict | None = None) -> nbformat.NotebookNode:
    """The notebook's cells from its ``.py``; with ``parameters``, a cell tagged
    ``injected-parameters`` setting them follows the one tagged ``parameters``."""
    notebook = jupytext.read(HERE / f"{name}.py")
    if parameters:
        at = next(i for i, cell in enumerate(notebook.cells)
                  if "parameters" in cell.metadata.get("tags", []))
        source = "\n".join(f"{key} = {value!r}" for key, value in parameters.items())
        injected = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
        notebook.cells.insert(at + 1, injected)
    return notebook


def execute(notebook: nbformat.NotebookNode, timeout: int | None = None) -> float:
    """Runs ``notebook`` in place, from this folder, in a fresh kernel; returns seconds."""
    start = time.perf_counter()
    nbclient.NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                            record_timing=False,  # no timestamps in every cell's diff
                            resources={"metadata": {"path": str(HERE)}}).execute()
    return time.perf_counter() - start


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help=f"notebooks (default: all): {names()}")
    parser.add_argument("--quick", action="store_true", help="the tests' settings")
    parser.add_argument("--no_run", action="store_true",
                        help="write the notebook from its .py without running it")
    parser.add_argument("--out", default=str(HERE), help="where the .ipynb go")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(names()))
    if unknown:
        raise SystemExit(f"execute.py: error: unknown notebook {unknown}; valid: {names()}")
    for name in args.names or names():
        notebook = load(name, QUICK[name] if args.quick else None)
        seconds = 0.0 if args.no_run else execute(notebook)
        settings = "not run" if args.no_run else "quick" if args.quick else "full"
        notebook.metadata["mnist_keras"] = {"seconds": round(seconds), "settings": settings}
        path = pathlib.Path(args.out) / f"{name}.ipynb"
        nbformat.write(notebook, path)
        print(f"{path}: {seconds:.0f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
