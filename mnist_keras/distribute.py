"""Training on several devices or machines with tf.distribute: nothing of our own.

- ``default``: no distribution (TF's default strategy, one device).
- ``mirrored``: ``tf.distribute.MirroredStrategy`` over the local GPUs, or, without GPUs,
  over ``cpu_devices`` logical CPU devices (so it can be exercised on a laptop).
- ``multi_worker``: ``tf.distribute.MultiWorkerMirroredStrategy``, configured by the
  standard ``TF_CONFIG`` environment variable (cluster and this task).

The batch size is always the *global* batch: each step, the replicas together see one
batch of the single-device run, split between them (see ``data.make_dataset``).
"""

from __future__ import annotations

import dataclasses
import json
import os

import tensorflow as tf

STRATEGIES = ("default", "mirrored", "multi_worker")


class StrategyError(Exception):
    """A strategy that cannot be set up as asked."""


def split_cpu(count: int) -> None:
    """Splits the CPU into ``count`` logical devices; must run before TF starts up."""
    cpu = tf.config.list_physical_devices("CPU")[0]
    try:
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(count)])
    except RuntimeError as e:  # TF was already initialised
        raise StrategyError(f"cannot split the CPU after TF started: {e}") from None


def make_strategy(name: str) -> tf.distribute.Strategy:
    """The strategy called ``name`` (see the module docstring)."""
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        gpus = tf.config.list_logical_devices("GPU")
        devices = [d.name for d in gpus or tf.config.list_logical_devices("CPU")]
        return tf.distribute.MirroredStrategy(devices=devices)
    if name == "multi_worker":
        if "TF_CONFIG" not in os.environ:
            raise StrategyError("multi_worker needs TF_CONFIG (the cluster and this task); "
                                "see the README")
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise StrategyError(f"unknown strategy {name!r}; valid: {', '.join(STRATEGIES)}")


def is_chief(strategy: tf.distribute.Strategy) -> bool:
    """Whether this process writes the run: the chief task, or worker 0 without one."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.task_type:
        return True
    if resolver.task_type == "chief":
        return True
    has_chief = "chief" in json.loads(os.environ.get("TF_CONFIG", "{}")).get("cluster", {})
    return resolver.task_type == "worker" and resolver.task_id == 0 and not has_chief


def distributed(strategy: tf.distribute.Strategy, make_dataset):
    """The dataset of ``make_dataset(parts, first, count)`` spread over the replicas.

    Every global batch is cut into one part per replica, in replica order; this input
    pipeline yields the parts of its own replicas, so the replicas of one step together
    see exactly the single-device batch.
    """
    def dataset_fn(context: tf.distribute.InputContext) -> tf.data.Dataset:
        local = context.num_replicas_in_sync // context.num_input_pipelines
        return make_dataset(context.num_replicas_in_sync, context.input_pipeline_id * local,
                            local)

    return strategy.distribute_datasets_from_function(dataset_fn)


def fit_settings(hp, strategy: tf.distribute.Strategy):
    """``hp`` with the execution settings Keras 3.15's ``fit`` can run under ``strategy``.

    Measured with MirroredStrategy over 2 logical CPUs: XLA fails ("Trying to access
    resource .../replica_1 located in device CPU:1 from device CPU:0"), and so does more
    than one step per execution (a placeholder in Keras' multi-step loop is never fed).
    Without them ``fit`` trains correctly, so a distributed model gets neither; the
    model and its numbers are unchanged.
    """
    if strategy.num_replicas_in_sync == 1 and getattr(strategy, "cluster_resolver", None) is None:
        return hp
    return dataclasses.replace(hp, jit_compile=False, steps_per_execution=1)
