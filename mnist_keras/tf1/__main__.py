"""Runs a TF1-era MNIST program unchanged on TensorFlow 2.21.

  python -m mnist_keras.tf1 lab.py [ARGS...]          # run it (also: mnist-keras-tf1)
  python -m mnist_keras.tf1 --show_changes lab.py     # see what TF 2 moved, then run
  python -m mnist_keras.tf1 --write=lab_tf2.py lab.py # save the upgraded program
  python -m mnist_keras.tf1 --train_examples=1000 --test_examples=1000 lab.py  # quick
  python -m mnist_keras.tf1 --to_keras=lab_keras.py lab.py  # write it as Keras 3, proved

Flags go before the program's name; what follows it is the program's own ``sys.argv``.
The program is rewritten in memory by TensorFlow's upgrader (tf_upgrade_v2's library),
runs in graph mode as TF1 did, and reads ``tensorflow.examples.tutorials.mnist``'s
``input_data`` (and Keras' ``mnist.load_data()``) from the MNIST files shipped with
mnist-keras: nothing is downloaded.
"""

from __future__ import annotations

import os
import sys

from absl import app, flags

from mnist_keras import console
from mnist_keras.errors import InputError

PROGRAM = "mnist-keras-tf1"
FLAGS = flags.FLAGS
flags.DEFINE_bool("show_changes", False, "Print each change TensorFlow's upgrader made, "
                  "with its line, before running.")
flags.DEFINE_string("write", None, "Save the upgraded program to this file (it runs with "
                    "plain python where mnist-keras is installed) instead of running it.")
flags.DEFINE_integer("train_examples", None, "Serve only this many training images "
                     "(after the 5,000 held out), for a quick run.", lower_bound=1)
flags.DEFINE_integer("test_examples", None, "Serve only this many test images.",
                     lower_bound=1)
flags.DEFINE_string("to_keras", None, "Write the program as a standalone Keras 3 program "
                    "to this file, read from the graph it builds, and prove it equal on the "
                    "same weights, instead of running it.")
flags.DEFINE_integer("to_keras_model", None, "With --to_keras, where the program trains "
                     "several models one after another: which (1: the first); else the "
                     "last.", lower_bound=1)
flags.DEFINE_bool("train", False, "With --to_keras: then train both to the end and print "
                  "their test accuracies.")
FLAGS.set_gnu_getopt(False)  # flags stop at the program's name: the rest is its own


def show_changes(program) -> None:
    """The upgrader's report, one change a line, each with the line it left."""
    from mnist_keras.tf1 import runner

    print(f"{program.path}: TensorFlow's upgrader (tf_upgrade_v2) changed "
          f"{len(program.upgraded.changes)} things; mnist-keras serves what it cannot:")
    print("\n".join(runner.change_lines(program, f"{program.path}:")))
    mode = "in graph mode, as TF1 ran" if program.graph else "eagerly, as Keras 3 needs"
    print(f"{program.path}: runs {mode}", flush=True)


def main(argv):
    if len(argv) < 2:
        raise console.fail(PROGRAM, "name the program to run: mnist-keras-tf1 lab.py [ARGS]")
    path, args = argv[1], argv[2:]
    from mnist_keras.data import input_data
    from mnist_keras.tf1 import legacy_modules, runner
    from mnist_keras.training import atomic

    try:
        source = runner.read(path)
        if runner.wants_legacy_keras(source):
            legacy_modules.use_legacy_keras()
        console.start_tensorflow()
        legacy_modules.install()  # before the checks: they look names up in what it serves
        program = runner.prepare(path, source)
        if FLAGS.write:
            if os.path.isdir(FLAGS.write):
                raise InputError(f"--write={FLAGS.write} is a directory; name a file")
            # Whole or not at all: a kill mid-write leaves no half program.
            atomic.write_bytes(FLAGS.write, runner.standalone(program).encode("utf-8"))
            print(f"{PROGRAM}: wrote {FLAGS.write}; run it with: python {FLAGS.write}")
            return 0
        if FLAGS.to_keras:
            return _to_keras(program)
        if FLAGS.show_changes:
            show_changes(program)
        input_data.limit(FLAGS.train_examples, FLAGS.test_examples)
        return runner.run(program, args)
    except (InputError, OSError) as e:
        raise SystemExit(f"{PROGRAM}: {e}") from None
    except KeyboardInterrupt:
        raise console.interrupted(PROGRAM, "run it again to start over") from None


def _to_keras(program) -> int:
    from mnist_keras.tf1 import graph_reader, runner, to_keras

    if os.path.isdir(FLAGS.to_keras):
        raise InputError(f"--to_keras={FLAGS.to_keras} is a directory; name a file")
    runner.quiet()
    try:
        return to_keras.command(program, FLAGS.to_keras, FLAGS.train,
                                FLAGS.to_keras_model)
    except graph_reader.Unsupported as e:
        where = f"{program.path}:{e.line}" if e.line else program.path
        print(f"{PROGRAM}: {where}: one Keras model cannot hold this: {e} (it still "
              f"runs on compat.v1: {PROGRAM} {program.path})", file=sys.stderr)
        return 2


def cli():
    app.run(main, flags_parser=console.flags_parser(PROGRAM))


if __name__ == "__main__":
    cli()
