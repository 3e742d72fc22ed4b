"""Searches a stage's hyperparameters with keras-tuner, then trains and tests the best.

  python -m mnist_keras.tune --stage=8 --tuner=hyperband --epochs=9 --directory=tuning/s8
  python -m mnist_keras.tune --stage=5 --tuner=random --max_trials=2 --epochs=1 \\
      --train_examples=2000 --directory=/tmp/quick          # a quick look

Also installed as ``mnist-keras-tune``. Trials are scored by validation accuracy on
TF1's 5,000-image validation split, never on the test split; each stops early when it
stops improving. The best hyperparameters are then trained with the stage's own setup
and tested once (with --export, also exported as a SavedModel under --export_root).
Running the same command again continues the search in --directory (finished trials
are kept, not rerun). Distributed: set KERASTUNER_TUNER_ID (chief, tuner0, ...),
KERASTUNER_ORACLE_IP and KERASTUNER_ORACLE_PORT, and run the same command on the chief
and on every worker.
"""

from __future__ import annotations

import os

from absl import app, flags

from mnist_keras import cli_flags, console, registry
from mnist_keras.errors import InputError
from mnist_keras.execution import xla_flags

PROGRAM = "mnist_keras.tune"
FLAGS = flags.FLAGS
cli_flags.define_stage()
cli_flags.define_data()
cli_flags.define_epochs()
cli_flags.define_train_examples()
cli_flags.define_seed()
cli_flags.define_export()
cli_flags.define_strategy()
cli_flags.define_verbose(2)
flags.DEFINE_enum("tuner", "random", ["random", "hyperband", "bayesian"],
                  "keras-tuner's search algorithm.")
flags.DEFINE_integer("max_trials", None, "Trials in all, counting those already in "
                     "--directory (default 10). Hyperband: a cap on its schedule (default "
                     "and 0: the whole schedule).", lower_bound=0)
flags.DEFINE_string("directory", None, "Search directory; the same one resumes the search "
                    "(default: tuning/<stage name>-<tuner>).")
flags.DEFINE_integer("patience", 3, "A trial stops after this many epochs without a better "
                     "validation accuracy.", lower_bound=1)
flags.DEFINE_integer("final_epochs", None, "Epochs for training the best once more "
                     "(default: the stage's own epochs or steps).", lower_bound=1)
flags.DEFINE_integer("hyperband_factor", 3, "Hyperband's reduction factor.", lower_bound=2)
flags.DEFINE_integer("max_consecutive_failures", 3, "Stop a (non-distributed) search after "
                     "this many failed trials in a row; 0 never stops.", lower_bound=0)
flags.DEFINE_boolean("overwrite", False, "Delete the search in --directory and start afresh.")
flags.DEFINE_integer("top", 10, "Trials in the printed table.", lower_bound=1)
flags.register_validator("strategy", lambda s: s != "multi_worker",
                         message="a search runs its trials under default or mirrored; "
                                 "keras-tuner's chief/worker mode spreads them over machines")
flags.register_multi_flags_validator(
    ["max_trials", "tuner"], lambda v: v["max_trials"] != 0 or v["tuner"] == "hyperband",
    message="--max_trials=0 (no cap) is for --tuner=hyperband")


def max_trials(given: int | None, tuner: str) -> int | None:
    """The trial budget: ``given``, else 10; for Hyperband unset or 0 is None (no cap)."""
    if tuner == "hyperband":
        return given or None
    return 10 if given is None else given


def main(argv):
    console.no_arguments(PROGRAM, argv)
    console.log_to_file(PROGRAM)
    xla_flags.apply()  # this process trains: before TensorFlow loads
    console.start_tensorflow()
    from mnist_keras.data import mnist
    from mnist_keras.training import strategies
    from mnist_keras.tuning import hypermodel, search

    try:
        stage = _searchable(registry.get(FLAGS.stage))
        if FLAGS.cpu_devices:
            strategies.split_cpu(FLAGS.cpu_devices)  # before TF starts up
        strategy = strategies.make_strategy(FLAGS.strategy)
        settings = hypermodel.Settings(
            stage=FLAGS.stage, tuner=FLAGS.tuner,
            epochs=FLAGS.epochs or hypermodel.default_epochs(stage),
            patience=FLAGS.patience,
            seed=stage.HParams().seed if FLAGS.seed is None else FLAGS.seed,
            train_examples=FLAGS.train_examples, hyperband_factor=FLAGS.hyperband_factor)
        directory = FLAGS.directory or os.path.join("tuning", f"{stage.NAME}-{FLAGS.tuner}")
        search.tune(settings, directory, max_trials=max_trials(FLAGS.max_trials, FLAGS.tuner),
                    source=mnist.resolve_source(FLAGS.data, FLAGS.data_dir),
                    overwrite=FLAGS.overwrite, final_epochs=FLAGS.final_epochs,
                    top=FLAGS.top, verbose=FLAGS.verbose,
                    max_consecutive_failures=FLAGS.max_consecutive_failures,
                    export_root=FLAGS.export_root if FLAGS.export else None,
                    tflite=FLAGS.tflite, strategy=strategy)
    except InputError as e:
        raise console.fail(PROGRAM, e) from None
    except KeyboardInterrupt:
        raise console.interrupted(PROGRAM, "the same command continues the search in "
                                  "its --directory") from None


def _searchable(stage):
    """``stage`` if it has a search space; else the one-line error naming those that do."""
    from mnist_keras.tuning import hypermodel

    if not hasattr(stage, "search_space"):
        raise hypermodel.TuningError(
            f"stage {FLAGS.stage!r} has no search space; stages with one: "
            f"{', '.join(hypermodel.searchable())}")
    return stage


def cli():
    """The ``mnist-keras-tune`` console script."""
    app.run(main, flags_parser=console.flags_parser(PROGRAM))


if __name__ == "__main__":
    cli()
