"""Trains every stage (both APIs, several seeds) with the tutorials' settings and reports.

  python -m mnist_keras.ladder --seeds=3 --out=results/
  python -m mnist_keras.ladder --stages=0,5,8 --apis=keras --seeds=1 --out=/tmp/quick

Writes ``<out>/ladder.md`` (the table), ``ladder.json`` (every run's numbers),
``ladder.png`` (the tutorial's accuracy and ours per stage), ``curves/<stage>.png``
(learning curves) and ``confusion.png`` (the best stage's confusion matrix). Each run is a
normal run directory, ``<out>/runs/<stage>-<api>-seed<seed>/``: a finished one is read, not
trained again, and an interrupted one resumes from its checkpoint, so an interrupted
ladder continues where it stopped when started again with the same command. A ladder run
in parts (``--stages=``/``--apis=``/``--seeds=`` per part) is reported as one with
``--report_only``, which trains nothing and names the runs the plan has no results for.
"""

from __future__ import annotations

import os
import shlex
import sys
import time

from absl import app, flags

from mnist_keras import registry

FLAGS = flags.FLAGS
flags.DEFINE_integer("seeds", 3, "Seeds per stage and API: the text's seed, +1, +2, ...",
                     lower_bound=1)
flags.DEFINE_string("out", "results", "Output directory.")
flags.DEFINE_list("stages", None, "Stage ids (default: every stage, ladder first).")
flags.DEFINE_list("apis", ["keras", "v1"], "APIs: keras, v1.")
flags.DEFINE_integer("epochs", None, "Override every stage's epochs (quick looks only).",
                     lower_bound=1)
flags.DEFINE_integer("steps", None, "Override the step-mode stages' steps.", lower_bound=1)
flags.DEFINE_integer("train_examples", None, "Train on only the first N images.",
                     lower_bound=1)
flags.DEFINE_string("data_dir", None, "MNIST IDX files (default: $MNIST_DATA_DIR, else tfds).")
flags.DEFINE_bool("report_only", False, "Train nothing: report the plan's finished runs and "
                  "list the missing ones in the report (for a ladder run in parts).")


@flags.validator("stages")
def _known_stages(ids):
    for stage_id in ids or ():
        try:
            registry.get(stage_id)
        except registry.UnknownStageError as e:
            raise flags.ValidationError(str(e)) from None
    return True


@flags.validator("apis")
def _known_apis(apis):
    if not set(apis) <= {"keras", "v1"}:
        raise flags.ValidationError(f"unknown API in {apis}; valid: keras, v1")
    return True


def default_stages() -> list[str]:
    """Every stage once, by its first id: the ladder 0-9, then the other texts' systems."""
    return [registry.stage_id(m) for m in dict.fromkeys(registry.STAGES.values())]


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
    from mnist_keras import data, ladder_lib

    stage_ids = FLAGS.stages or default_stages()
    plan = ladder_lib.plan(stage_ids, FLAGS.apis, FLAGS.seeds)
    runner = ladder_lib.Runner(FLAGS.out, FLAGS.data_dir, FLAGS.train_examples,
                               epochs=FLAGS.epochs, steps=FLAGS.steps)
    start = time.perf_counter()
    try:
        found = [runner.run(step, len(plan), *item, train=not FLAGS.report_only)
                 for step, item in enumerate(plan, 1)]
    except data.DataError as e:
        raise SystemExit(f"ladder: error: {e}") from None
    records = [r for r in found if r is not None]
    if not records:
        raise SystemExit(f"ladder: error: no finished runs under {FLAGS.out}")
    missing = [item for item, r in zip(plan, found) if r is None]
    command = "python -m mnist_keras.ladder " + shlex.join(sys.argv[1:])
    ladder_lib.write_report(records, FLAGS.out, command, runner, missing)
    print(f"ladder: {len(records)} runs, {(time.perf_counter() - start) / 60:.1f} min this "
          f"time; report in {os.path.join(FLAGS.out, 'ladder.md')}")


if __name__ == "__main__":
    app.run(main)
