"""Reads a TF1 program's optimizer (its class, rate and constants) as the Keras
optimizer that updates the weights the same way.

==========================  =============================================================
TF1 (``tf.train``)          Keras 3
==========================  =============================================================
GradientDescentOptimizer    ``SGD(learning_rate)``
MomentumOptimizer           ``SGD(learning_rate, momentum, nesterov)``
AdamOptimizer               ``Adam(learning_rate, beta_1, beta_2, epsilon=1e-08)``
AdagradOptimizer            ``Adagrad(learning_rate, initial_accumulator_value)``
RMSPropOptimizer            ``RMSprop(learning_rate, rho, momentum, epsilon, centered)``
exponential_decay           ``schedules.ExponentialDecay`` (only where minimize had a
                            global_step to count; without one TF1's rate never decays)
==========================  =============================================================

TF1's RMSProp starts its mean square at 1, Keras' at 0: the first steps differ, which
the proof's loss check shows.
"""

from __future__ import annotations

from mnist_keras.tf1 import description as d
from mnist_keras.tf1.graph_reader import Unsupported

# TF1 class -> (Keras class, {Keras argument: the TF1 optimizer's attribute}).
OPTIMIZERS = {
    "GradientDescentOptimizer": ("SGD", {"learning_rate": "_learning_rate"}),
    "MomentumOptimizer": ("SGD", {"learning_rate": "_learning_rate",
                                  "momentum": "_momentum", "nesterov": "_use_nesterov"}),
    "AdamOptimizer": ("Adam", {"learning_rate": "_lr", "beta_1": "_beta1",
                               "beta_2": "_beta2", "epsilon": "_epsilon"}),
    "AdagradOptimizer": ("Adagrad", {"learning_rate": "_learning_rate",
                                     "initial_accumulator_value":
                                         "_initial_accumulator_value"}),
    "RMSPropOptimizer": ("RMSprop", {"learning_rate": "_learning_rate", "rho": "_decay",
                                     "momentum": "_momentum", "epsilon": "_epsilon",
                                     "centered": "_centered"}),
}


def read(minimized, decays: dict, value) -> d.OptimizerSpec:
    """The Keras optimizer of ``minimized`` (a ``recorder.Minimized``); ``decays`` are
    the program's ``exponential_decay`` rates by tensor name; ``value`` evaluates a
    tensor that needs no feed."""
    name = type(minimized.optimizer).__name__
    if name not in OPTIMIZERS:
        raise Unsupported(minimized.line, f"{name}: no Keras optimizer of this project's "
                          f"translation; it knows {', '.join(OPTIMIZERS)}")
    kind, attributes = OPTIMIZERS[name]
    args, schedule = [], ()
    for keras_name, attribute in attributes.items():
        found = getattr(minimized.optimizer, attribute)
        if keras_name == "learning_rate" and hasattr(found, "name"):
            found, schedule = _rate(found, minimized, decays, value)
        args.append((keras_name, found if isinstance(found, bool) else float(found)))
    return d.OptimizerSpec(kind, tuple(args), schedule, (minimized.line,))


def _rate(tensor, minimized, decays: dict, value):
    """A rate given as a tensor: a decay TF1 stepped, or a constant."""
    if tensor.name in decays:
        arguments, line = decays[tensor.name]
        initial = float(value(arguments["learning_rate"]))
        if minimized.global_step is None:  # nothing counted the steps: it never decayed
            return initial, ()
        return initial, (("initial_learning_rate", initial),
                         ("decay_steps", int(value(arguments["decay_steps"]))),
                         ("decay_rate", float(value(arguments["decay_rate"]))),
                         ("staircase", bool(arguments["staircase"])))
    try:
        return float(value(tensor)), ()
    except Exception:  # noqa: BLE001 -- fed at run time: no constant rate to write
        raise Unsupported(minimized.line, f"the learning rate {tensor.name} is fed at run "
                          "time; a Keras optimizer takes a number or a schedule") from None
