"""Trains one stage of the tutorials and prints what the tutorial printed.

  python -m mnist_keras --stage=8                 # the ladder's top rung, Keras
  python -m mnist_keras --stage=8 --api=v1        # the same stage as TF1 graph code
  python -m mnist_keras --stage=5 --epochs=1 --train_examples=2000   # a quick look

Also installed as ``mnist-keras``. Data: the MNIST IDX files shipped with the package,
or --data_dir / $MNIST_DATA_DIR, or --data=tfds. The run goes to --model_dir
(default runs/<stage>-<api>); the same command resumes it after an interruption.
"""

from __future__ import annotations

import os
import shutil
import tempfile

from absl import app, flags, logging

from mnist_keras import cli_flags, console, registry
from mnist_keras.errors import InputError
from mnist_keras.execution import xla_flags

PROGRAM = "mnist_keras"
FLAGS = flags.FLAGS
cli_flags.define_stage()
cli_flags.define_data()
cli_flags.define_epochs()
cli_flags.define_steps()
cli_flags.define_train_examples()
cli_flags.define_seed()
cli_flags.define_learning_rate()
cli_flags.define_export()
cli_flags.define_strategy()
cli_flags.define_verbose(1)
flags.DEFINE_enum("api", "keras", ["keras", "v1"], "Keras 3, or the TF1 graph twin.")
flags.DEFINE_integer("batch_size", None, "Images per step (default: the stage's).",
                     lower_bound=1)
flags.DEFINE_bool("full_train", None, "Train on all 60,000 training images, or "
                  "(--nofull_train) on TF1's 55,000 and validate on the other 5,000 "
                  "(default: the stage's).")
flags.DEFINE_string("model_dir", None, "Run directory (default: runs/<stage>-<api>).")
flags.DEFINE_bool("restart", False, "Discard the run in --model_dir and train anew.")
flags.DEFINE_bool("tensorboard", False, "Also write TensorBoard logs into the run directory.")
flags.DEFINE_bool("deterministic", False, "Turn on TF op determinism (tf.config."
                  "experimental.enable_op_determinism); XLA is then off.")
flags.register_validator("steps", lambda s: s is None or FLAGS["epochs"].value is None,
                         message="give --epochs or --steps, not both")
flags.register_multi_flags_validator(
    ["strategy", "api"], lambda v: v["strategy"] == "default" or v["api"] == "keras",
    message="--strategy needs --api=keras (TF1 graphs had their own distributed "
            "runtime, not ported here)")


def main(argv):
    console.no_arguments(PROGRAM, argv)
    console.log_to_file(PROGRAM)
    run_dir = FLAGS.model_dir or os.path.join(
        "runs", f"{registry.STAGES[FLAGS.stage]}-{FLAGS.api}")
    try:
        _check_outputs(run_dir)
        xla_flags.apply()  # this process trains: before TensorFlow loads
        console.start_tensorflow()
        chief_dir = _train(run_dir)
        if chief_dir and (FLAGS.export or FLAGS.tflite):
            _export(chief_dir)
    except KeyboardInterrupt:
        raise console.interrupted(PROGRAM, f"the same command resumes {run_dir} from its "
                                  "last finished epoch") from None
    except InputError as e:
        raise console.fail(PROGRAM, e) from None


def _check_outputs(run_dir: str) -> None:
    """--model_dir and --export_root can be written: known before anything loads."""
    from mnist_keras.training.run_dir import check_writable

    check_writable(run_dir, "--model_dir")
    if FLAGS.export or FLAGS.tflite:
        check_writable(FLAGS.export_root, "--export_root")


def _train(run_dir: str) -> str | None:
    """Trains the stage of the flags; returns the run directory, None on a non-chief."""
    import keras

    from mnist_keras.data import mnist
    from mnist_keras.training import strategies

    strategy = _strategy(strategies)  # first: it configures TF's runtime
    stage = registry.get(FLAGS.stage)
    hp, execution = _hparams(stage)
    data = mnist.load(mnist.resolve_source(FLAGS.data, FLAGS.data_dir),
                      full_train=hp.full_train, train_examples=FLAGS.train_examples)
    keras.utils.set_random_seed(hp.seed)  # Python, NumPy and TF, once, here
    logging.info("XLA_FLAGS: %s", os.environ.get("XLA_FLAGS"))
    logging.info("data: %s (train %d, test %d images)", data.source, len(data.train),
                 len(data.test))
    chief = strategies.is_chief(strategy)
    path = run_dir if chief else tempfile.mkdtemp(prefix="mnist_keras-worker-")
    if FLAGS.api == "keras":
        from mnist_keras.training import keras_train

        metrics = keras_train.train(stage, FLAGS.stage, hp, data, path, execution=execution,
                                    verbose=FLAGS.verbose, tensorboard=FLAGS.tensorboard,
                                    strategy=strategy, restart=FLAGS.restart)
    else:
        from mnist_keras.training import graph_train

        metrics = graph_train.train(stage, FLAGS.stage, hp, data, path,
                                    verbose=FLAGS.verbose, tensorboard=FLAGS.tensorboard,
                                    restart=FLAGS.restart)
    logging.info("run %s: test accuracy %.4f, weights sha256 %s",
                 path if chief else "(not the chief: nothing kept)",
                 metrics["test_accuracy"], metrics["weights_sha256"])
    if not chief:
        shutil.rmtree(path, ignore_errors=True)
    return path if chief else None


def _strategy(strategies):
    """The --strategy, after --cpu_devices split the CPU."""
    if FLAGS.cpu_devices:
        strategies.split_cpu(FLAGS.cpu_devices)
    return strategies.make_strategy(FLAGS.strategy)


def _hparams(stage):
    """The stage's hyperparameters with the flags' overrides, and its execution."""
    from mnist_keras import nets
    from mnist_keras.execution import settings
    from mnist_keras.nets.hparams import override

    hp = override(stage.HParams(), epochs=FLAGS.epochs, steps=FLAGS.steps,
                  batch_size=FLAGS.batch_size, learning_rate=FLAGS.learning_rate,
                  seed=FLAGS.seed, full_train=FLAGS.full_train)
    execution = settings.for_family(nets.family(hp).FAMILY)
    if FLAGS.deterministic:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
        execution = settings.deterministic(execution)  # TF compiles no XLA then
    return hp, execution


def _export(run_dir: str) -> None:
    """Exports the finished run (``serving.exporter``)."""
    from mnist_keras.serving import exporter

    version_dir = exporter.export_run(run_dir, export_root=FLAGS.export_root,
                                      tflite=FLAGS.tflite)
    logging.info("exported to %s", version_dir)
    print("Exported:", version_dir)


def cli():
    """The ``mnist-keras`` console script."""
    app.run(main, flags_parser=console.flags_parser(PROGRAM))


if __name__ == "__main__":
    cli()
