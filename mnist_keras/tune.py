"""Searches a stage's hyperparameters with keras-tuner, then trains and tests the best.

  python -m mnist_keras.tune --stage=8 --tuner=hyperband --epochs=9 --directory=tuning/s8
  python -m mnist_keras.tune --stage=5 --tuner=random --max_trials=2 --epochs=1 \\
      --train_examples=2000 --directory=/tmp/quick          # a quick look

Trials are scored by validation accuracy on TF1's 5,000-image validation split, never on
the test split; each stops early when it stops improving. The best hyperparameters are
then trained with the stage's own setup and tested once (with --export, also exported as
a SavedModel under --export_root). Running the same command again continues the search
in --directory (finished trials are kept, not rerun). Distributed: set
KERASTUNER_TUNER_ID (chief, tuner0, ...), KERASTUNER_ORACLE_IP and KERASTUNER_ORACLE_PORT,
and run the same command on the chief and on every worker.

Data: --data_dir or $MNIST_DATA_DIR (the four MNIST IDX files), else tensorflow-datasets.
"""

import os

from absl import app, flags

from mnist_keras import registry

FLAGS = flags.FLAGS
flags.DEFINE_string("stage", "8", "Stage id with a search space: 2-9 (9 = experts_cnn) "
                    "or keras_dropout.")
flags.DEFINE_enum("tuner", "random", ["random", "hyperband", "bayesian"],
                  "keras-tuner's search algorithm.")
flags.DEFINE_integer("max_trials", None, "Trials in all, counting those already in "
                     "--directory (default 10). Hyperband: a cap on its schedule (default "
                     "and 0: the whole schedule).", lower_bound=0)
flags.DEFINE_string("directory", None, "Search directory; the same one resumes the search "
                    "(default: tuning/<stage name>-<tuner>).")
flags.DEFINE_integer("epochs", None, "Most epochs per trial, Hyperband's max_epochs "
                     "(default: the stage's epochs, or what its steps make).", lower_bound=1)
flags.DEFINE_integer("patience", 3, "A trial stops after this many epochs without a better "
                     "validation accuracy.", lower_bound=1)
flags.DEFINE_integer("final_epochs", None, "Epochs for training the best once more "
                     "(default: the stage's own epochs or steps).", lower_bound=1)
flags.DEFINE_integer("train_examples", None, "Search and retrain on only the first N "
                     "training images.", lower_bound=1)
flags.DEFINE_integer("seed", None, "Seed of the search and of every trial "
                     "(default: the stage's).")
flags.DEFINE_integer("hyperband_factor", 3, "Hyperband's reduction factor.", lower_bound=2)
flags.DEFINE_integer("max_consecutive_failures", 3, "Stop a (non-distributed) search after "
                     "this many failed trials in a row; 0 never stops.", lower_bound=0)
flags.DEFINE_boolean("overwrite", False, "Delete the search in --directory and start afresh.")
flags.DEFINE_string("data_dir", None, "Directory of the MNIST IDX files "
                    "(default: $MNIST_DATA_DIR, else tensorflow-datasets).")
flags.DEFINE_boolean("export", False, "Export the best trial's final run "
                     "(<directory>/best_run) with mnist_keras.export: a new version each "
                     "time.")
flags.DEFINE_string("export_root", "saved_models", "Where --export writes "
                    "<stage name>/<version>/.")
flags.DEFINE_boolean("tflite", False, "With --export, also write model.tflite.")
flags.DEFINE_enum("strategy", "default", ["default", "mirrored"], "tf.distribute strategy "
                  "for every trial and the final run (keras-tuner's distribution_strategy).")
flags.DEFINE_integer("cpu_devices", None, "Split the CPU into N logical devices (to run "
                     "--strategy=mirrored without GPUs).", lower_bound=1)
flags.DEFINE_integer("top", 10, "Trials in the printed table.", lower_bound=1)
flags.DEFINE_integer("verbose", 2, "Progress within a trial: 0 none, 1 a Keras progress "
                     "bar, 2 a line per epoch.", lower_bound=0, upper_bound=2)


@flags.validator("stage")
def _searchable_stage(stage_id):
    try:
        stage = registry.get(stage_id)
    except registry.UnknownStageError as e:  # the message lists the valid ids
        raise flags.ValidationError(str(e)) from None
    if not hasattr(stage, "search_space"):
        valid = [k for k, m in registry.STAGES.items() if hasattr(m, "search_space")]
        raise flags.ValidationError(f"stage {stage_id!r} has no search space; stages with "
                                    f"one: {', '.join(valid)}")
    return True


@flags.multi_flags_validator(["max_trials", "tuner"],
                             message="--max_trials=0 (no cap) is for --tuner=hyperband")
def _trials_capped(values):
    return values["max_trials"] != 0 or values["tuner"] == "hyperband"


def max_trials(given: int | None, tuner: str) -> int | None:
    """The trial budget: ``given``, else 10; for Hyperband unset or 0 is None (no cap)."""
    if tuner == "hyperband":
        return given or None
    return 10 if given is None else given


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
    # Imported after absl parsed the flags: bad flags fail fast, before TF loads.
    from mnist_keras import data, distribute, tuning

    try:
        if FLAGS.cpu_devices:
            distribute.split_cpu(FLAGS.cpu_devices)  # before TF starts up
        strategy = distribute.make_strategy(FLAGS.strategy)
    except distribute.StrategyError as e:
        raise SystemExit(f"mnist_keras.tune: error: {e}") from None
    stage = registry.get(FLAGS.stage)
    settings = tuning.Settings(
        stage=FLAGS.stage, tuner=FLAGS.tuner,
        epochs=FLAGS.epochs or tuning.default_epochs(stage), patience=FLAGS.patience,
        seed=stage.HParams().seed if FLAGS.seed is None else FLAGS.seed,
        train_examples=FLAGS.train_examples, hyperband_factor=FLAGS.hyperband_factor)
    directory = FLAGS.directory or os.path.join("tuning", f"{stage.NAME}-{FLAGS.tuner}")
    try:
        tuning.tune(settings, directory, max_trials=max_trials(FLAGS.max_trials, FLAGS.tuner),
                    data_dir=FLAGS.data_dir, overwrite=FLAGS.overwrite,
                    final_epochs=FLAGS.final_epochs, top=FLAGS.top, verbose=FLAGS.verbose,
                    max_consecutive_failures=FLAGS.max_consecutive_failures,
                    export_root=FLAGS.export_root if FLAGS.export else None,
                    tflite=FLAGS.tflite, strategy=strategy)
    except (tuning.TuningError, data.DataError) as e:
        raise SystemExit(f"mnist_keras.tune: error: {e}") from None


def run():
    """Console-script entry point."""
    app.run(main)


if __name__ == "__main__":
    run()
