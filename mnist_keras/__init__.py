"""mnist-keras: the Korean TF1 MNIST tutorials, stage by stage, on TensorFlow 2 / Keras 3.

Commands (``python -m mnist_keras...``, or the console scripts): ``mnist_keras`` trains a
stage, ``.tune`` searches one, ``.ladder`` trains and reports them all, ``.export``,
``.predict`` and ``.numpy_infer`` use a trained model. The library is in subpackages by
concern: ``data``, ``nets``, ``execution``, ``training``, ``tuning``, ``serving``,
``report``; the stages themselves are the ``stages`` package beside this one.

Importing it changes nothing in the caller's process: the commands that train set what
they need (``execution.xla_flags``) in their ``main``.
"""

__version__ = "0.2.0"
