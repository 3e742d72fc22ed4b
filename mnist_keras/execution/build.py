"""The Keras pieces an :class:`~settings.Execution` asks for, where the nets build a model.

Each returns Keras' own class when its setting is off, so a model built for
``Execution()`` is plain Keras throughout.
"""

from __future__ import annotations

import keras

from mnist_keras.execution.fast_layers import ThreeFryDropout, TransposedGradientDense
from mnist_keras.execution.fused_adam import FusedAdam
from mnist_keras.execution.settings import Execution
from mnist_keras.execution.xla_loop import XlaLoopSequential


def dropout(rate: float, execution: Execution) -> keras.layers.Dropout:
    """A dropout layer: ThreeFry masks under XLA where asked, else Keras' own."""
    return ThreeFryDropout(rate) if execution.threefry_dropout else keras.layers.Dropout(rate)


def wide_dense(units: int, execution: Execution, **kwargs) -> keras.layers.Dense:
    """A wide hidden dense layer, with the transposed input gradient where asked."""
    cls = TransposedGradientDense if execution.transposed_gradient else keras.layers.Dense
    return cls(units, **kwargs)


def sequential_class(execution: Execution) -> type[keras.Sequential]:
    """``keras.Sequential``, or its subclass that runs XLA executions in one XLA loop."""
    return XlaLoopSequential if execution.xla_loop else keras.Sequential


def adam_class(execution: Execution) -> type[keras.optimizers.Adam]:
    """Keras' Adam, or the same Adam as TF's fused kernel where XLA does not compile."""
    return FusedAdam if execution.uses_fused_adam else keras.optimizers.Adam


def compile_options(execution: Execution) -> dict:
    """``Model.compile``'s execution arguments; Keras' own default where ``execution``
    leaves ``jit_compile`` unset."""
    options = {"steps_per_execution": execution.steps_per_execution}
    if execution.jit_compile is not None:
        options["jit_compile"] = execution.jit_compile
    return options
