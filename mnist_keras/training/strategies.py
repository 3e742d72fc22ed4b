"""Training on several devices or machines with tf.distribute: TF's strategies, by name.

- ``default``: no distribution (TF's default strategy, one device).
- ``mirrored``: ``tf.distribute.MirroredStrategy`` over the local GPUs, or, without GPUs,
  over ``cpu_devices`` logical CPU devices (so it can be exercised on a laptop).
- ``multi_worker``: ``tf.distribute.MultiWorkerMirroredStrategy``, configured by the
  standard ``TF_CONFIG`` environment variable (cluster and this task).

The batch size is always the *global* batch: each step, the replicas together see one
batch of the single-device run, split between them (see ``data.pipeline.make_dataset``).
"""

from __future__ import annotations

import json
import os

import keras
import tensorflow as tf

from mnist_keras.data.mnist import Split
from mnist_keras.errors import InputError
from mnist_keras.data.pipeline import make_dataset

STRATEGIES = ("default", "mirrored", "multi_worker")


class StrategyError(InputError):
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


def name_of(strategy: tf.distribute.Strategy) -> str:
    """The name in ``STRATEGIES`` of a strategy made by :func:`make_strategy`."""
    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        return "multi_worker"
    if isinstance(strategy, tf.distribute.MirroredStrategy):
        return "mirrored"
    return "default"


def training_data(model: keras.Model, hp, split: Split, num_batches: int, start: int):
    """The run's training batches from batch ``start`` on, split between the replicas of
    the model's strategy (each step's parts together are the one-device batch)."""
    def make(parts=None):
        return make_dataset(split, hp.batch_size, seed=hp.seed, num_batches=num_batches,
                            start=start, parts=parts)

    strategy = model.distribute_strategy
    if strategy.num_replicas_in_sync == 1:
        return make()
    return distributed(strategy, lambda *parts: make(parts))
