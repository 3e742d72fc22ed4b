"""MNIST for the tutorials: where the files come from, TF1's splits, and the batches.

- ``mnist``: the splits (:func:`mnist.load`) from a source: the IDX files shipped in
  ``idx_files/`` (the default), a directory of IDX files, or tensorflow-datasets.
- ``idx``: what the four official IDX files must be, and their verification.
- ``tfds_source``: MNIST from tensorflow-datasets, chosen explicitly (``--data=tfds``).
- ``pipeline``: the shuffled batch order both APIs train on, as a ``tf.data`` pipeline.
"""
