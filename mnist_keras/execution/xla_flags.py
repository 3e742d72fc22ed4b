"""An XLA flag for a training process, set before TensorFlow loads.

XLA reads ``$XLA_FLAGS`` once, when it first compiles, so the commands that train
(``mnist_keras``, ``.tune``, ``.ladder``, ``benchmarks/speed.py``) call :func:`apply` in
their ``main``, before TensorFlow loads; importing the package sets nothing.
With region analysis, XLA's copy insertion sees that a train step reads each weight
before it rewrites it, and stops copying the weights every step: the same numbers,
faster for the XLA stages (``docs/speed.md``: stage 8, 3.97 s per 55,000 images without
it, 3.03 s with it). A value the user gives wins.
"""

import os

COPY_FLAG = "--xla_cpu_copy_insertion_use_region_analysis"


def apply() -> None:
    """Adds ``COPY_FLAG=true`` to ``$XLA_FLAGS`` unless the flag is there already."""
    flags = os.environ.get("XLA_FLAGS", "")
    if COPY_FLAG not in flags:
        os.environ["XLA_FLAGS"] = f"{flags} {COPY_FLAG}=true".strip()
