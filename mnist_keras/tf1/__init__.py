"""TF1-era MNIST programs, run as written on TensorFlow 2.21.

- ``python -m mnist_keras.tf1 lab.py [ARGS...]`` (``mnist-keras-tf1``) runs a program
  file: ``--show_changes`` prints what TensorFlow's upgrader changed, ``--write=OUT.py``
  saves the upgraded program.
- In Jupyter, ``%load_ext mnist_keras.tf1``, then ``%%tf1`` cells (``tf1.magic``).

Importing this package changes nothing; the runner and the extension serve the legacy
modules (``tf1.legacy_modules``) when they start.
"""


def load_ipython_extension(ipython) -> None:
    """``%load_ext mnist_keras.tf1``: registers the ``%%tf1`` cell magic, after starting
    TensorFlow with its one-time C++ lines kept out of the cells' outputs."""
    from mnist_keras import console
    from mnist_keras.tf1 import magic, runner

    console.warm_up()
    runner.quiet()
    magic.register(ipython)
