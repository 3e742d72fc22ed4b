"""Trains one stage of the tutorials and prints what the tutorial printed.

  python -m mnist_keras --stage=8                 # the ladder's top rung, Keras
  python -m mnist_keras --stage=8 --api=v1        # the same stage as TF1 graph code
  python -m mnist_keras --stage=5 --epochs=1 --train_examples=2000   # a quick look

Data: --data_dir or $MNIST_DATA_DIR (the four MNIST IDX files), else tensorflow-datasets.
"""

import dataclasses
import os
import shutil
import tempfile

from absl import app, flags, logging

from mnist_keras import registry

FLAGS = flags.FLAGS
flags.DEFINE_string("stage", "8", "Stage id: 0-9 (the ladder; 9 = experts_cnn) or one of "
                    + ", ".join(k for k in registry.STAGES if not k.isdigit()) + ".")
flags.DEFINE_enum("api", "keras", ["keras", "v1"], "Keras 3, or the TF1 graph twin.")
flags.DEFINE_integer("epochs", None, "Epochs (default: the stage's).", lower_bound=1)
flags.DEFINE_integer("steps", None, "Train this many batches instead of epochs.",
                     lower_bound=1)
flags.DEFINE_integer("batch_size", None, "Images per step (default: the stage's).",
                     lower_bound=1)
flags.DEFINE_float("learning_rate", None, "Step size (default: the stage's).")
flags.DEFINE_integer("seed", None, "Random seed (default: the text's, e.g. 1234).")
flags.DEFINE_string("data_dir", None, "Directory of the MNIST IDX files "
                    "(default: $MNIST_DATA_DIR, else tensorflow-datasets).")
flags.DEFINE_string("model_dir", None, "Run directory (default: runs/<stage>-<api>).")
flags.DEFINE_integer("train_examples", None, "Train on only the first N training images.",
                     lower_bound=1)
flags.DEFINE_bool("export", False, "After training, export the model as the next version "
                  "under --export_root/<stage name>/ (a SavedModel).")
flags.DEFINE_bool("tflite", False, "Export, and convert the SavedModel to model.tflite too.")
flags.DEFINE_string("export_root", "saved_models", "Where exports go.")
flags.DEFINE_bool("tensorboard", False, "Also write TensorBoard logs into the run directory.")
flags.DEFINE_bool("deterministic", False, "Turn on TF op determinism (tf.config."
                  "experimental.enable_op_determinism); XLA is then off.")
flags.DEFINE_enum("strategy", "default", ["default", "mirrored", "multi_worker"],
                  "tf.distribute strategy (Keras API): one device, the local devices, or "
                  "the workers of $TF_CONFIG. --batch_size is the global batch.")
flags.DEFINE_integer("cpu_devices", None, "Split the CPU into N logical devices (to run "
                     "--strategy=mirrored without GPUs).", lower_bound=1)
flags.DEFINE_integer("verbose", 1, "Progress: 0 none, 1 a Keras progress bar, 2 a line "
                     "per epoch.", lower_bound=0, upper_bound=2)


@flags.validator("stage")
def _known_stage(stage_id):
    try:
        registry.get(stage_id)
    except registry.UnknownStageError as e:  # the message lists the valid ids
        raise flags.ValidationError(str(e)) from None
    return True


flags.register_validator("learning_rate", lambda lr: lr is None or lr > 0,
                         message="must be > 0")
flags.register_validator("steps", lambda s: s is None or FLAGS["epochs"].value is None,
                         message="give --epochs or --steps, not both")


def main(argv):
    if len(argv) > 1:
        raise app.UsageError(f"unexpected arguments: {' '.join(argv[1:])}")
    import keras  # after absl parsed the flags: bad flags fail fast, before TF loads

    from mnist_keras import data, distribute, train, v1
    from mnist_keras.nets import common

    try:
        strategy = _strategy(distribute)  # first: it configures TF's runtime
        stage = registry.get(FLAGS.stage)
        hp = _hparams(stage, common)
        mnist = data.load(FLAGS.data_dir, full_train=hp.full_train,
                          train_examples=FLAGS.train_examples)
    except (data.DataError, distribute.StrategyError) as e:
        raise SystemExit(f"mnist_keras: error: {e}") from None
    keras.utils.set_random_seed(hp.seed)  # Python, NumPy and TF, once, here
    logging.info("data: %s (train %d, test %d images)", mnist.source, len(mnist.train),
                 len(mnist.test))
    run_dir = FLAGS.model_dir or os.path.join("runs", f"{stage.NAME}-{FLAGS.api}")
    chief = distribute.is_chief(strategy)
    if not chief:  # other workers train alike but write only to a scratch directory
        run_dir = tempfile.mkdtemp(prefix="mnist_keras-worker-")
    if FLAGS.api == "keras":
        metrics = train.run(stage, FLAGS.stage, hp, mnist, run_dir, verbose=FLAGS.verbose,
                            tensorboard=FLAGS.tensorboard, strategy=strategy)
    else:
        metrics = v1.run(stage, FLAGS.stage, hp, mnist, run_dir, verbose=FLAGS.verbose,
                         tensorboard=FLAGS.tensorboard)
    logging.info("run %s: test accuracy %.4f, weights sha256 %s",
                 run_dir if chief else "(not the chief: nothing kept)",
                 metrics["test_accuracy"], metrics["weights_sha256"])
    if not chief:
        shutil.rmtree(run_dir, ignore_errors=True)
    elif FLAGS.export or FLAGS.tflite:
        _export(run_dir)


def _export(run_dir: str) -> None:
    """Exports the finished run (see ``mnist_keras.export``)."""
    from mnist_keras import export

    try:
        version_dir = export.export_run(run_dir, export_root=FLAGS.export_root,
                                        tflite=FLAGS.tflite)
    except export.ExportError as e:
        raise SystemExit(f"mnist_keras: error: {e}") from None
    logging.info("exported to %s", version_dir)
    print("Exported:", version_dir)


def _strategy(distribute):
    """The --strategy, after --cpu_devices split the CPU."""
    if FLAGS.strategy != "default" and FLAGS.api == "v1":
        raise distribute.StrategyError("--strategy needs --api=keras (TF1 graphs had "
                                       "their own distributed runtime, not ported here)")
    if FLAGS.cpu_devices:
        distribute.split_cpu(FLAGS.cpu_devices)
    return distribute.make_strategy(FLAGS.strategy)


def _hparams(stage, common):
    """The stage's hyperparameters with the flags' overrides."""
    hp = common.override(stage.HParams(), epochs=FLAGS.epochs, steps=FLAGS.steps,
                         batch_size=FLAGS.batch_size, learning_rate=FLAGS.learning_rate,
                         seed=FLAGS.seed)
    if FLAGS.deterministic:
        import tensorflow as tf

        tf.config.experimental.enable_op_determinism()
        # TF compiles nothing with XLA under op determinism (and ThreeFry dropout masks
        # exist only in XLA), so the model is built for TF's own kernels.
        hp = dataclasses.replace(hp, jit_compile=False)
    return hp


def run():
    """Console-script entry point."""
    app.run(main)


if __name__ == "__main__":
    run()
