"""Trains every stage (both APIs, several seeds) with the tutorials' settings and reports.

  python -m mnist_keras.ladder --seeds=3 --out=results/
  python -m mnist_keras.ladder --stages=0,5,8 --apis=keras --seeds=1 --out=/tmp/quick

Also installed as ``mnist-keras-ladder``. Writes ``<out>/ladder.md`` (the table),
``ladder.json`` (every run's numbers), ``ladder.png`` (the tutorial's accuracy and ours
per stage), ``curves/<stage>.png`` (learning curves) and ``confusion.png`` (the best
stage's confusion matrix). Each run is a normal run directory,
``<out>/runs/<stage>-<api>-seed<seed>/``: a finished one is read, not trained again, and
an interrupted one resumes, so an interrupted ladder continues where it stopped when
started again with the same command. A ladder run in parts (``--stages=``/``--apis=``/
``--seeds=`` per part) is reported as one with ``--report_only``, which trains nothing
and names the runs the plan has no results for.
"""

from __future__ import annotations

import os
import shlex
import sys
import time

from absl import app, flags

from mnist_keras import cli_flags, console, registry
from mnist_keras.errors import InputError
from mnist_keras.execution import xla_flags

PROGRAM = "ladder"
FLAGS = flags.FLAGS
cli_flags.define_data()
cli_flags.define_epochs()
cli_flags.define_steps()
cli_flags.define_train_examples()
flags.DEFINE_integer("seeds", 3, "Seeds per stage and API: the text's seed, +1, +2, ...",
                     lower_bound=1)
flags.DEFINE_string("out", "results", "Output directory.")
flags.DEFINE_list("stages", None, "Stage ids (default: every stage, ladder first).")
flags.DEFINE_list("apis", ["keras", "v1"], "APIs: keras, v1.")
flags.DEFINE_bool("measure_matmul", True, "Before each run, time a 2048x2048 float32 "
                  "matmul (about 2 s) for the report's GFLOP/s column.")
flags.DEFINE_bool("report_only", False, "Train nothing: report the plan's finished runs and "
                  "list the missing ones in the report (for a ladder run in parts).")


@flags.validator("stages")
def _known_stages(ids):
    for stage_id in ids or ():
        try:
            registry.check(stage_id)
        except registry.UnknownStageError as e:
            raise flags.ValidationError(str(e)) from None
    return True


@flags.validator("apis")
def _known_apis(apis):
    if not set(apis) <= {"keras", "v1"}:
        raise flags.ValidationError(f"unknown API in {apis}; valid: keras, v1")
    return True


def main(argv):
    console.no_arguments(PROGRAM, argv)
    console.log_to_file(PROGRAM)
    xla_flags.apply()  # this process trains: before TensorFlow loads
    console.start_tensorflow()
    from mnist_keras.data import mnist
    from mnist_keras.report import ladder_runs, writer

    plan = ladder_runs.plan(FLAGS.stages or registry.unique_ids(), FLAGS.apis, FLAGS.seeds)
    runner = ladder_runs.Runner(FLAGS.out, mnist.resolve_source(FLAGS.data, FLAGS.data_dir),
                                FLAGS.train_examples, epochs=FLAGS.epochs, steps=FLAGS.steps,
                                measure_matmul=FLAGS.measure_matmul)
    start = time.perf_counter()
    try:
        found = [runner.get(step, len(plan), *item, train=not FLAGS.report_only)
                 for step, item in enumerate(plan, 1)]
    except InputError as e:
        raise console.fail(PROGRAM, e) from None
    except KeyboardInterrupt:
        raise console.interrupted(PROGRAM, "the same command resumes the ladder") from None
    records = [r for r in found if r is not None]
    if not records:
        raise console.fail(PROGRAM, f"no finished runs under {FLAGS.out}")
    missing = [item for item, r in zip(plan, found) if r is None]
    command = "python -m mnist_keras.ladder " + shlex.join(sys.argv[1:])
    writer.write_report(records, FLAGS.out, command, runner, missing)
    print(f"ladder: {len(records)} runs, {(time.perf_counter() - start) / 60:.1f} min this "
          f"time; report in {os.path.join(FLAGS.out, 'ladder.md')}")


def cli():
    """The ``mnist-keras-ladder`` console script."""
    app.run(main, flags_parser=console.flags_parser(PROGRAM))


if __name__ == "__main__":
    cli()
