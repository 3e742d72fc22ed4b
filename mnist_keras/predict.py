"""Predicts the digit in image files with an exported model.

  python -m mnist_keras.predict --model=saved_models/stage8 digit.png photo.jpg
  python -m mnist_keras.predict --model=saved_models/stage8/1/model.tflite --json *.png
  python -m mnist_keras.predict --model=weights.npz batch.npy
  python -m mnist_keras.predict --model=saved_models/stage8 --test_split   # accuracy

Also installed as ``mnist-keras-predict``. Models: a SavedModel version directory (or
its parent: the highest version), a ``.tflite`` file, or a ``.npz`` of Dense weights.
Files: PNG, JPEG, GIF, BMP or WebP of any size, framed as MNIST was; ``.npy`` batches in
MNIST's format. Each file's predicted digit and top-3 probabilities are printed; a file
that cannot be read is reported on stderr in one line and the others are still
predicted. Exit status: 0 when every file was predicted, 1 when any failed, 2 when the
model could not be loaded.

``--test_split`` predicts MNIST's 10,000 test images instead and prints the exported
model's test accuracy, to check an export against the accuracy its run reported.
"""

from __future__ import annotations

import json
import sys

from absl import app, flags

from mnist_keras import cli_flags, console

PROGRAM = "predict"
FLAGS = flags.FLAGS
flags.DEFINE_string("model", None, "A SavedModel directory (a version, or its parent "
                    "for the highest version), a .tflite or a .npz file.", required=True)
flags.DEFINE_enum("background", "auto", ["auto", "light", "dark"],
                  "The images' background: light (a dark digit on paper, inverted to "
                  "MNIST's light-on-dark), dark (used as is), auto (decided per image).")
flags.DEFINE_bool("json", False, "Print one JSON document instead of lines.")
flags.DEFINE_bool("test_split", False, "Predict the 10,000 MNIST test images instead "
                  "of files and print the test accuracy.")
cli_flags.define_data()


def main(argv):
    paths = argv[1:]
    if bool(paths) == FLAGS.test_split:
        raise console.fail(PROGRAM, "--test_split predicts the test images: give no files"
                           if paths else "give one or more image files (PNG, JPEG, ...) "
                           "or .npy batches, or --test_split")
    console.log_to_file(PROGRAM)
    console.start_tensorflow()
    from mnist_keras.serving import predictors

    try:
        predictor = predictors.load_predictor(FLAGS.model)
    except predictors.ModelError as e:
        print(f"{PROGRAM}: error: {e}", file=sys.stderr)
        return 2
    if FLAGS.test_split:
        return _print_test_accuracy(predictors, predictor)
    results = predictors.predict_files(predictor, paths, background=FLAGS.background)
    failed = [r for r in results if "error" in r]
    if FLAGS.json:
        print(json.dumps({"model": FLAGS.model, "results": results,
                          "failed": len(failed)}, indent=2))
    else:
        for result in results:
            if "error" not in result:
                print(predictors.format_result(result))
    for result in failed:
        print(f"{PROGRAM}: {predictors.format_result(result)}", file=sys.stderr)
    return 1 if failed else 0


def _print_test_accuracy(predictors, predictor) -> int:
    from mnist_keras.data import mnist

    try:
        test = mnist.load(mnist.resolve_source(FLAGS.data, FLAGS.data_dir)).test
    except mnist.DataError as e:
        print(f"{PROGRAM}: error: {e}", file=sys.stderr)
        return 1
    accuracy = predictors.test_accuracy(predictor, test)
    if FLAGS.json:
        print(json.dumps({"model": FLAGS.model, "test_accuracy": accuracy,
                          "images": len(test)}, indent=2))
    else:
        print(f"{FLAGS.model}: test accuracy {accuracy:.4f} on {len(test):,} images")
    return 0


def cli():
    """The ``mnist-keras-predict`` console script."""
    app.run(main, flags_parser=console.flags_parser(PROGRAM))


if __name__ == "__main__":
    cli()
