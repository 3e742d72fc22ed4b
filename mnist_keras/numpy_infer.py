"""Text 004's point, measured: a Dense net's forward pass in NumPy alone, one image at a
time and then in batches.

  # weights of a trained Dense-only run, as .npz (never pickle)
  python -m mnist_keras.numpy_infer --export --model=runs/numpy_sigmoid-keras/model.keras \\
      --weights=runs/numpy_sigmoid-keras/weights.npz
  # the text's two loops over the 10,000 test images, with their speed
  python -m mnist_keras.numpy_infer --weights=runs/numpy_sigmoid-keras/weights.npz

Also installed as ``mnist-keras-numpy-infer``. The library is ``serving/numpy_net.py``.
"""

from __future__ import annotations

from absl import app, flags

from mnist_keras import cli_flags, console

PROGRAM = "numpy_infer"
FLAGS = flags.FLAGS
flags.DEFINE_string("weights", None, "The .npz weights file (read, or written by "
                    "--export).", required=True)
flags.DEFINE_bool("export", False, "Write --weights from the Keras --model instead.")
flags.DEFINE_string("model", None, "With --export: a Dense-only model.keras.")
flags.DEFINE_integer("batch_size", 100, "Images per batch in the batched loop.",
                     lower_bound=1)
cli_flags.define_data()


def main(argv):
    console.no_arguments(PROGRAM, argv)
    console.log_to_file(PROGRAM)
    if FLAGS.export:
        _export(FLAGS.model, FLAGS.weights)
        return
    from mnist_keras.data import mnist  # the test images; the passes are NumPy alone
    from mnist_keras.serving import numpy_net

    try:
        net = numpy_net.load_weights(FLAGS.weights)
        test = mnist.load(mnist.resolve_source(FLAGS.data, FLAGS.data_dir)).test
    except (OSError, ValueError, KeyError, mnist.DataError) as e:
        raise console.fail(PROGRAM, e) from None
    one_acc, one_rate = numpy_net.accuracy_one_at_a_time(net, test.images, test.labels)
    batch_acc, batch_rate = numpy_net.accuracy_batched(net, test.images, test.labels,
                                                       FLAGS.batch_size)
    print(f"Accuracy (one image at a time): {one_acc:.4f}  ({one_rate:,.0f} images/s)")
    print(f"Accuracy (batches of {FLAGS.batch_size}): {batch_acc:.4f}  "
          f"({batch_rate:,.0f} images/s)")
    print(f"Batching speed-up: {batch_rate / one_rate:.1f}x")


def _export(model_path: str | None, weights_path: str) -> None:
    if not model_path:
        raise console.fail(PROGRAM, "--export needs --model=PATH/model.keras")
    console.start_tensorflow()
    import keras

    from mnist_keras.serving import numpy_net

    try:
        numpy_net.export_weights(keras.models.load_model(model_path), weights_path)
    except (OSError, ValueError) as e:
        raise console.fail(PROGRAM, e) from None
    print(f"wrote {weights_path}")


def cli():
    """The ``mnist-keras-numpy-infer`` console script."""
    app.run(main, flags_parser=console.flags_parser(PROGRAM))


if __name__ == "__main__":
    cli()
