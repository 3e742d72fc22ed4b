"""A ``keras.Sequential`` whose XLA executions run in one XLA while loop."""

from __future__ import annotations

import keras
import tensorflow as tf


@keras.saving.register_keras_serializable(package="mnist_keras")
class XlaLoopSequential(keras.Sequential):
    """``keras.Sequential`` that runs each execution's batches in one XLA program.

    Keras 3 runs ``steps_per_execution`` batches as a TF while loop that calls the
    XLA-compiled ``train_step`` once per batch: every batch pays a launch into XLA and
    a turn of the TF executor. Compiled with ``jit_compile=True`` and
    ``steps_per_execution`` k > 1 on one device, this model instead takes the
    execution's k batches from the iterator, stacks them and runs Keras' own
    ``train_step`` over them in an XLA while loop. An execution with fewer than k
    batches, or batches of unequal size (the last one of an epoch that the batch size
    does not divide), trains its batches one by one, each one XLA launch. Same batches,
    steps, metrics and callbacks as Keras' loop, the same numbers bit for bit
    (``tests/test_execution.py``); faster where XLA compiles the step
    (``benchmarks/speed.py --levers``). Anything else, ``train_on_batch`` included (it
    passes a Python iterator, not a ``tf.data`` one), trains as Keras does.

    Attributes:
      xla_loop_executions: executions run in the XLA loop so far (the rest went one by
        one): how a test or a benchmark knows which path trained.
    """

    xla_loop_executions = 0

    def _in_xla(self) -> bool:
        return (self.jit_compile and self.steps_per_execution > 1 and not self.run_eagerly
                and not tf.distribute.has_strategy()
                and self.distribute_strategy.num_replicas_in_sync == 1)

    def make_train_function(self, force: bool = False):
        if self.train_function is not None and not force:
            return self.train_function
        super().make_train_function(force=True)
        if not self._in_xla():
            return self.train_function
        keras_function, steps = self.train_function, self.steps_per_execution
        # autograph=False, as Keras' own step functions: nothing here is Python control
        # flow on tensors, and converting train_step took ~0.8 s of CPU per model.
        one_step = tf.function(self.train_step, jit_compile=True, reduce_retracing=True,
                               autograph=False)

        @tf.function(jit_compile=True, autograph=False)
        def all_steps(batches):  # every leaf stacked: [steps, batch, ...]
            def body(i):  # the step's effects on weights and metrics are the loop's work
                self.train_step(keras.tree.map_structure(lambda t: t[i], batches))
                return i + 1

            tf.while_loop(lambda i: i < steps, body, [tf.constant(0)])
            return self.get_metrics_result()

        @tf.function(autograph=False)
        def fetch(iterator):  # a small graph: tracing the steps into it took seconds
            optionals = [iterator.get_next_as_optional() for _ in range(steps)]
            whole = tf.cond(optionals[-1].has_value(), lambda: _equal_sizes(optionals),
                            lambda: False)
            stacked = tf.cond(whole, lambda: _stacked(optionals),
                              lambda: _empty(optionals[0].element_spec, steps))
            return whole, stacked, optionals

        def train_function(iterator):
            if not isinstance(iterator, tf.data.Iterator):
                return keras_function(iterator)
            whole, stacked, optionals = fetch(iterator)
            if whole:
                self.xla_loop_executions += 1
                return all_steps(stacked)
            present = [o for o in optionals if o.has_value()]  # the data has run out
            if not present:  # as Keras' own loop signals it
                raise StopIteration
            return [one_step(o.get_value()) for o in present][-1]

        self.train_function = train_function
        return train_function


def _sizes(optionals) -> list[tf.Tensor]:
    return [tf.shape(keras.tree.flatten(o.get_value())[0])[0] for o in optionals]


def _equal_sizes(optionals) -> tf.Tensor:
    """Whether every batch (all present) has the first one's number of examples."""
    sizes = tf.stack(_sizes(optionals))
    return tf.reduce_all(tf.equal(sizes, sizes[0]))


def _stacked(optionals):
    """The batches' structure with each leaf stacked along a new first axis."""
    return keras.tree.map_structure(lambda *leaves: tf.stack(leaves),
                                    *[o.get_value() for o in optionals])


def _empty(spec, steps: int):
    """Zero-size stand-ins for the stacked batches (the branch that does not stack)."""
    return keras.tree.map_structure(
        lambda t: tf.zeros([steps, *[d or 0 for d in t.shape]], t.dtype), spec)
