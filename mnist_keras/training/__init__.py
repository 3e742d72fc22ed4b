"""Training a stage, in Keras or as the tutorial's TF1 graph, into a run directory.

What every training path shares:

- ``schedule``: the periods (epochs, or chunks of steps) and when progress is committed.
- ``tutorial_lines``: the lines the tutorials printed.
- ``scoring``: batched evaluation and its loss and accuracy, for both APIs.
- ``model_file``: the trained model as Keras' own classes, saved as ``model.keras``.

The trainers:

- ``keras_train``: Keras ``fit`` with checkpoints and resume.
- ``tf1_graph`` and ``graph_train``: the TF1 graph and its ``Session`` loop.
- ``strategies`` and ``multi_worker``: tf.distribute, and the loop for several workers.

A run's files:

- ``run_dir``: the run directory: one configuration, one process, atomic progress.
- ``records``: what ``hparams.json`` and ``metrics.json`` hold (the weights' SHA-256
  among them).
- ``history``: ``history.json``, a record per period (and TensorBoard's logs).
- ``atomic``: files written whole or not at all.
"""
