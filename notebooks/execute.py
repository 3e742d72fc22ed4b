"""Runs notebooks top to bottom and keeps their outputs: how the committed ones were made.

  python notebooks/execute.py                        # every notebook, as written
  python notebooks/execute.py 000_sigmoid_dnn        # one
  python notebooks/execute.py --quick --out=/tmp/nb  # the tests' quick settings, elsewhere

Each notebook is its jupytext pair: ``NAME.py`` (percent format, what a diff shows) is the
source, ``NAME.ipynb`` the same cells with their outputs. A full run reads the ``.py``,
executes it in a fresh ``python3`` kernel with nbclient from the notebook's folder, and
writes ``NAME.ipynb`` (outputs, and the seconds it took and the settings in its
metadata). ``--markdown`` takes a corrected ``.py``'s prose into the committed ``.ipynb``
without running anything, when no code cell changed (it refuses otherwise). ``--quick``
runs a copy in which a cell after the first serves 1,000 training,
500 test and 100 validation images (``input_data.limit``) and ``QUICK``'s replacements shorten the
texts' loops (their programs stay as written in the notebook itself); ``--no_run``
writes the cells alone.
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
IMAGES = {"train": 1000, "test": 500, "validation": 100}  # what a quick run serves
# What a quick run changes in the programs' text: one epoch or a few steps each.
QUICK = {
    "000_sigmoid_dnn": {"num_of_epoch = 30 #": "num_of_epoch = 1 #"},
    "001_softmax_hidden_dnn": {"training_epochs = 15": "training_epochs = 1"},
    "002_accuracy_ladder": {"training_cnt = 15": "training_cnt = 1"},
    "003_experts_softmax_and_cnn": {"range(1000)": "range(10)", "range(20000)": "range(4)",
                                    "i%1000 == 0": "i%2 == 0",
                                    "cnn_steps = 20000": "cnn_steps = 4"},
    "004_numpy_inference": {"epochs=15": "epochs=1"},
    "beyond": {"STEPS = 3000": "STEPS = 10"},
}


def names() -> list[str]:
    """Every notebook, by its file name without ``.py``."""
    return sorted(p.stem for p in HERE.glob("*.py") if p.stem in QUICK)


def load(name: str, quick: bool = False) -> nbformat.NotebookNode:
    """The notebook's cells from its ``.py``; ``quick``: the tests' shortened copy."""
    notebook = jupytext.read(HERE / f"{name}.py")
    if not quick:
        return notebook
    for old, new in QUICK[name].items():
        cells = [c for c in notebook.cells if c.cell_type == "code" and old in c.source]
        if not cells:
            raise ValueError(f"{name}: no code cell holds {old!r}")
        for cell in cells:
            cell.source = cell.source.replace(old, new)
    first = next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code")
    notebook.cells.insert(first + 1, nbformat.v4.new_code_cell(
        "from mnist_keras.data import input_data as _input_data\n"
        f"_input_data.limit({IMAGES['train']}, {IMAGES['test']}, {IMAGES['validation']})",
        metadata={"tags": ["quick"]}))
    return notebook


def _code(cells: list) -> list[tuple[str, str]]:
    """Each cell's kind, and its source where it is code: what prose edits leave alone."""
    return [(c.cell_type, c.source if c.cell_type == "code" else "") for c in cells]


def take_markdown(name: str, out: pathlib.Path) -> None:
    """The ``.py``'s markdown cells into the committed ``.ipynb``; its code cells and their
    outputs stay, and must be the ``.py``'s code."""
    source = jupytext.read(HERE / f"{name}.py")
    committed = nbformat.read(out / f"{name}.ipynb", as_version=4)
    if _code(committed.cells) != _code(source.cells):
        raise SystemExit(f"execute.py: error: {name}: its code changed; run it again")
    for cell, new in zip(committed.cells, source.cells):
        cell.source = new.source
    nbformat.write(committed, out / f"{name}.ipynb")


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
    parser.add_argument("--markdown", action="store_true",
                        help="take the .py's prose into the .ipynb; run nothing")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(names()))
    if unknown:
        raise SystemExit(f"execute.py: error: unknown notebook {unknown}; valid: {names()}")
    for name in args.names or names():
        if args.markdown:
            take_markdown(name, pathlib.Path(args.out))
            continue
        notebook = load(name, args.quick)
        seconds = 0.0 if args.no_run else execute(notebook)
        settings = "not run" if args.no_run else "quick" if args.quick else "full"
        notebook.metadata["mnist_keras"] = {"seconds": round(seconds), "settings": settings}
        path = pathlib.Path(args.out) / f"{name}.ipynb"
        nbformat.write(notebook, path)
        print(f"{path}: {seconds:.0f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
