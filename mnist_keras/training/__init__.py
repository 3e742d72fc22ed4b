"""Training a stage, in Keras or as the tutorial's TF1 graph, into a run directory.

- ``loop``: what every training path shares: the schedule of periods, the tutorial's
  printed lines, batched evaluation and scoring, and saving the model.
- ``keras_train``: Keras ``fit`` with checkpoints and resume.
- ``tf1_graph`` and ``graph_train``: the TF1 graph and its ``Session`` loop.
- ``strategies`` and ``multi_worker``: tf.distribute, and the loop for several workers.
- ``run_dir``: the run directory: one configuration, one process, atomic progress.
- ``records``: what ``hparams.json`` and ``metrics.json`` hold.
- ``atomic``: files written whole or not at all.
"""
