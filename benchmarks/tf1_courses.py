"""Runs a TF1 course's MNIST programs through ``mnist-keras-tf1``, unchanged. Not a test.

  git clone https://github.com/hunkim/DeepLearningZeroToAll ~/DeepLearningZeroToAll
  python benchmarks/tf1_courses.py --course=~/DeepLearningZeroToAll --out=results/tf1-courses.json

Each ``.py`` of the Korean course's MNIST labs (``lab-07-4``, ``lab-10-*``,
``lab-11-*``) and of its TF 2 ports of them (``tf2/tf2-10-*``, ``tf2/tf2-11-*``) runs as a
learner runs it, in its own process: ``mnist-keras-tf1 --train_examples=1000
--test_examples=1000 FILE``, from a scratch directory (the programs write logs and
checkpoints where they stand). Each gets a row: ran (exit 0, and the last line it
printed), stopped with one line (that line), or failed otherwise (its last lines); and
its seconds. ``--out`` keeps the rows as JSON; the table goes to stdout as Markdown
(``docs/tf1-code.md`` holds the last one). The course is not in this repository: the
check needs a clone of it, and the suite runs fixtures in its style instead
(``tests/test_tf1_courses.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time

from mnist_keras.training import atomic

PATTERNS = ("lab-07-4*.py", "lab-10-*.py", "lab-11-*.py", "tf2/tf2-10-*.py",
            "tf2/tf2-11-*.py")
QUICK = ["--train_examples=1000", "--test_examples=1000"]
ONE_LINE = "mnist-keras-tf1: "


def programs(course: pathlib.Path) -> list[pathlib.Path]:
    """The course's MNIST lab files, in the course's order."""
    found = {p for pattern in PATTERNS for p in course.glob(pattern)}
    return sorted(found, key=lambda p: (p.parent != course, p.name))


def run(path: pathlib.Path, timeout: float) -> dict:
    """One program through the runner, as a row."""
    env = {k: v for k, v in os.environ.items() if k != "MNIST_DATA_DIR"}
    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        try:
            done = subprocess.run([sys.executable, "-m", "mnist_keras.tf1", *QUICK, str(path)],
                                  cwd=scratch, env=env, capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"status": "timed out", "line": f"over {timeout:.0f} s", "seconds": timeout}
        seconds = time.perf_counter() - start
    errors = done.stderr.strip().splitlines()
    printed = [line for line in done.stdout.strip().splitlines() if line.strip()]
    if done.returncode == 0:
        return {"status": "ran", "line": printed[-1] if printed else "", "seconds": seconds}
    if len(errors) == 1 and errors[0].startswith(ONE_LINE):
        line = errors[0][len(ONE_LINE):].replace(str(path), path.name)
        return {"status": "one line", "line": line, "seconds": seconds}
    return {"status": "failed", "line": " / ".join(errors[-3:]), "seconds": seconds}


def table(rows: list[dict]) -> str:
    lines = ["| program | result | what it printed last, or its one line | s |",
             "|---|---|---|---:|"]
    lines += [f"| `{r['program']}` | {r['status']} | `{r['line'][:150]}` | "
              f"{r['seconds']:.0f} |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course", required=True, type=lambda p: pathlib.Path(p).expanduser(),
                        help="a clone of hunkim/DeepLearningZeroToAll")
    parser.add_argument("--out", help="write the rows here as JSON")
    parser.add_argument("--timeout", type=float, default=900, help="seconds per program")
    args = parser.parse_args(argv)
    found = programs(args.course)
    if not found:
        raise SystemExit(f"tf1_courses.py: error: {args.course}: no lab-07-4, lab-10-*, "
                         "lab-11-* or tf2/ programs there; give a clone of the course")
    rows = []
    for path in found:
        row = {"program": str(path.relative_to(args.course)), **run(path, args.timeout)}
        print(f"{row['program']}: {row['status']} ({row['seconds']:.0f} s)", file=sys.stderr,
              flush=True)
        rows.append(row)
        if args.out:  # after each program, whole or not at all: a stopped run keeps its rows
            atomic.write_bytes(args.out, json.dumps(rows, indent=1, ensure_ascii=False)
                               .encode("utf-8"))
    print(table(rows))
    return 0 if all(r["status"] != "failed" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
