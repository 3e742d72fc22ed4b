"""How each model family is executed on 2 CPU cores, chosen by measurement.

An :class:`Execution` never changes a model, its batches or its formula; it changes
which kernels compute them. Measured with ``benchmarks/speed.py`` (tables in
``docs/speed.md``), time per training step against the defaults below, variants trained
by turns in one process (``--paired``, ``results/speed-paired.json``):

* MLP family (stages 0-8 and the texts' other dense nets): XLA, 50 batches per call,
  run as one XLA while loop, ThreeFry dropout masks. A plain ``fit`` (no XLA, 1 step
  per call) is 2.20x slower, XLA with 1 step per call 1.60x, XLA's 50 steps in Keras'
  loop 1.11x; Philox masks cost 1.54 s per epoch under XLA, ThreeFry 0.14 s.
* CNN family (the experts' CNN): TF's oneDNN kernels (XLA's convolutions are 1.7x
  slower, 40x inside an XLA loop), 20 batches per call, TF's fused Adam kernel (Keras'
  Adam 1.14x slower), the 3136x1024 layer's input gradient as ``(W dy^T)^T`` (Keras'
  ``dy W^T`` 1.03x slower).
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses

import tensorflow as tf


@dataclasses.dataclass(frozen=True)
class Execution:
    """How a model runs; ``Execution()`` is plain Keras, compiled with Keras' defaults.

    Attributes:
      jit_compile: compile the train and predict steps with XLA (True), or not (False);
        None leaves it to Keras (``"auto"``: off on a CPU).
      steps_per_execution: batches per call into the compiled train function (fewer
        Python round trips; the progress bar updates once per call).
      xla_loop: with ``jit_compile``, run each call's batches in one XLA while loop
        (``xla_loop.XlaLoopSequential``) rather than one XLA launch per batch.
      threefry_dropout: dropout masks from ThreeFry, which XLA generates fast and which
        has no kernel outside XLA (``fast_layers.ThreeFryDropout``); needs ``jit_compile``.
      fused_adam: without ``jit_compile``, Adam's update of each variable as TF's one
        fused kernel (``fused_adam.FusedAdam``); XLA fuses Keras' own Adam itself.
      transposed_gradient: the wide hidden dense layer takes its input gradient as
        ``(W dy^T)^T`` (``fast_layers.TransposedGradientDense``): the same products,
        which oneDNN may round differently (within 1e-7 relative; bit for bit on some
        CPUs).
    """

    jit_compile: bool | None = None
    steps_per_execution: int = 1
    xla_loop: bool = False
    threefry_dropout: bool = False
    fused_adam: bool = False
    transposed_gradient: bool = False

    def __post_init__(self):
        if self.threefry_dropout and not self.jit_compile:
            raise ValueError("threefry_dropout needs jit_compile: ThreeFry has no CPU "
                             "kernel outside XLA")

    @property
    def uses_fused_adam(self) -> bool:
        return self.fused_adam and not self.jit_compile

    def numerics(self) -> dict:
        """The settings that change float results (rounding, random streams), which a
        resumed run must share with its start; the others change speed only."""
        return {"jit_compile": bool(self.jit_compile),
                "threefry_dropout": self.threefry_dropout,
                "fused_adam": self.uses_fused_adam,
                "transposed_gradient": self.transposed_gradient}


FAMILY_DEFAULTS = {
    "mlp": Execution(jit_compile=True, steps_per_execution=50, xla_loop=True,
                     threefry_dropout=True, fused_adam=True),
    "cnn": Execution(jit_compile=False, steps_per_execution=20, fused_adam=True,
                     transposed_gradient=True),
}


_SCOPED: contextvars.ContextVar[Execution | None] = contextvars.ContextVar(
    "execution", default=None)


def for_family(family: str) -> Execution:
    """The measured default of a model family (``nets.<family>.FAMILY``)."""
    try:
        return FAMILY_DEFAULTS[family]
    except KeyError:
        raise ValueError(f"no execution for model family {family!r}; known: "
                         f"{', '.join(FAMILY_DEFAULTS)}") from None


@contextlib.contextmanager
def scope(execution: Execution):
    """Within it, a stage's ``build_model(hp)`` builds its model for ``execution``.

    As ``strategy.scope()`` says where variables live without the model code naming a
    strategy, this says how a model runs without the stage naming an execution.
    """
    token = _SCOPED.set(execution)
    try:
        yield execution
    finally:
        _SCOPED.reset(token)


def current() -> Execution:
    """The execution of the enclosing :func:`scope`, else plain Keras (``Execution()``).

    A family's measured execution is never the default: the trainer, the tuner and the
    speed benchmark open a scope of :func:`for_family` where they build, so that a stage
    built anywhere else (a learner's shell, a notebook) is stock Keras.
    """
    return _SCOPED.get() or Execution()


def deterministic(execution: Execution) -> Execution:
    """Under TF op determinism, which compiles nothing with XLA: TF's own kernels."""
    return dataclasses.replace(execution, jit_compile=False, xla_loop=False,
                               threefry_dropout=False)


def under_strategy(execution: Execution, strategy: tf.distribute.Strategy) -> Execution:
    """What Keras 3.15's ``fit`` can run under ``strategy``.

    Measured with MirroredStrategy over 2 logical CPUs: XLA fails ("Trying to access
    resource .../replica_1 located in device CPU:1 from device CPU:0"), and so does more
    than one step per execution (a placeholder in Keras' multi-step loop is never fed).
    """
    distributed = (strategy.num_replicas_in_sync > 1
                   or getattr(strategy, "cluster_resolver", None) is not None)
    if not distributed:
        return execution
    return dataclasses.replace(deterministic(execution), steps_per_execution=1)


def portable(execution: Execution) -> Execution:
    """What a saved ``model.keras`` holds: Keras' own classes only, compiled with the same
    ``jit_compile``, so that the loaded model predicts with the same kernels."""
    return Execution(jit_compile=execution.jit_compile)
