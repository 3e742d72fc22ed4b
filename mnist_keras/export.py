"""Exports a finished run as a versioned SavedModel (TensorFlow Serving's layout), and TFLite.

  python -m mnist_keras.export --run_dir=runs/stage8-keras          # -> saved_models/stage8/1
  python -m mnist_keras.export --run_dir=runs/stage8-keras --tflite   # + model.tflite

Also installed as ``mnist-keras-export``. The layout and the signatures are described
in ``mnist_keras/serving/exporter.py`` and ``docs/export-and-predict.md``.
"""

from __future__ import annotations

from absl import app, flags

from mnist_keras import cli_flags, console

PROGRAM = "mnist_keras.export"
FLAGS = flags.FLAGS
flags.DEFINE_string("run_dir", None, "Run directory of a finished training run "
                    "(model.keras, hparams.json, metrics.json).", required=True)
flags.DEFINE_bool("tflite", False, "Also write <version>/model.tflite.")
cli_flags.define_export_root()


def main(argv):
    console.no_arguments(PROGRAM, argv)
    console.log_to_file(PROGRAM)
    console.start_tensorflow()
    from mnist_keras.serving import exporter

    try:
        version_dir = exporter.export_run(FLAGS.run_dir, export_root=FLAGS.export_root,
                                          tflite=FLAGS.tflite)
    except exporter.ExportError as e:
        raise console.fail(PROGRAM, e) from None
    except KeyboardInterrupt:
        raise console.interrupted(PROGRAM, "no version was written") from None
    print(version_dir)


def cli():
    """The ``mnist-keras-export`` console script."""
    app.run(main, flags_parser=console.flags_parser(PROGRAM))


if __name__ == "__main__":
    cli()
