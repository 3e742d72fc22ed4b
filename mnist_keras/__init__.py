"""mnist-keras: the Korean TF1 MNIST tutorials, stage by stage, on TensorFlow 2 / Keras 3."""

import os

__version__ = "0.1.0"

# XLA reads $XLA_FLAGS once, when it first compiles, so this is set on import, before any.
# With region analysis, XLA's copy insertion sees that a train step reads each weight
# before it rewrites it, and stops copying the weights every step: the same numbers,
# measured faster for the XLA stages (benchmarks/speed.py). A value the user gives wins.
XLA_COPY_FLAG = "--xla_cpu_copy_insertion_use_region_analysis"
if XLA_COPY_FLAG not in os.environ.get("XLA_FLAGS", ""):
    os.environ["XLA_FLAGS"] = f"{os.environ.get('XLA_FLAGS', '')} {XLA_COPY_FLAG}=true".strip()
