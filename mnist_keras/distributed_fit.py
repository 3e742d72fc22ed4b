"""A training loop with ``strategy.run``, for where Keras 3.15's ``fit`` cannot go.

Under ``tf.distribute.MultiWorkerMirroredStrategy``, Keras 3.15's ``fit`` fails before
its first step: it pulls one batch and calls ``strategy.reduce("MEAN", (x, y))`` on the
nested per-replica batch to build the model symbolically, and that strategy cannot reduce
it ("Attempt to convert a value (PerReplica:...) to a Tensor"). This loop trains the same
Keras model with the same optimizer on the same global batches, and prints and records
periods exactly as ``train.fit`` does. It does not checkpoint: a multi-worker run that is
interrupted starts again from the beginning.
"""

from __future__ import annotations

import time

import keras
import numpy as np
import tensorflow as tf

from mnist_keras import data as data_lib
from mnist_keras import runs, train
from mnist_keras.nets.common import Training


def _step_function(model: keras.Model, hp: Training, strategy: tf.distribute.Strategy):
    """One global step: every replica on its part of the batch; sums over all replicas."""
    per_example_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True,
                                                                  reduction=None)

    def replica_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            total = tf.reduce_sum(per_example_loss(y, logits))
            count = tf.cast(tf.shape(y)[0], tf.float32)
            if hp.loss_reduction == "mean":
                # The optimizer sums gradients over replicas, so dividing each replica's
                # sum by the *global* count gives the single-device mean's gradient.
                global_count = tf.distribute.get_replica_context().all_reduce("SUM", count)
                loss = total / global_count
            else:
                loss = total
        grads = tape.gradient(loss, model.trainable_variables)
        model.optimizer.apply_gradients(zip(grads, model.trainable_variables))
        hits = tf.equal(tf.argmax(logits, 1, output_type=tf.int32), tf.cast(y, tf.int32))
        return total, tf.reduce_sum(tf.cast(hits, tf.float32)), count

    @tf.function
    def step(iterator):
        results = strategy.run(replica_step, args=next(iterator))
        return [strategy.reduce("SUM", r, axis=None) for r in results]

    return step


def _local_logits(model: keras.Model, images: np.ndarray) -> np.ndarray:
    """Logits computed here on one device (``predict`` would shard over the workers)."""
    return np.concatenate([model(images[i:i + train.EVAL_BATCH], training=False).numpy()
                           for i in range(0, len(images), train.EVAL_BATCH)])


def fit(model: keras.Model, hp: Training, data: data_lib.Mnist, run_dir: str, *,
        verbose: int = 1, tensorboard: bool = False) -> runs.History:
    """Trains a model built under a multi-worker strategy; returns the history."""
    strategy = model.distribute_strategy
    periods, batches = train.schedule(hp, len(data.train))
    iterator = iter(train.training_data(model, hp, data.train, periods * batches, 0))
    step = _step_function(model, hp, strategy)
    history = runs.History(run_dir, tensorboard)
    for period in range(1, periods + 1):
        bar = keras.utils.Progbar(batches, verbose=verbose, stateful_metrics=["loss"])
        start, sums = time.perf_counter(), np.zeros(3)
        for i in range(batches):
            sums += [float(v) for v in step(iterator)]
            bar.update(i + 1, [("loss", sums[0] / sums[2])])
        # "loss" as Keras reports it: the batches' mean loss (mean or sum reduction).
        loss = sums[0] / (sums[2] if hp.loss_reduction == "mean" else batches)
        record = {"epoch": period, "loss": loss, "accuracy": sums[1] / sums[2],
                  "seconds": time.perf_counter() - start}
        if data.validation is not None:
            record["val_loss"], record["val_accuracy"] = runs.score(
                _local_logits(model, data.validation.images), data.validation.labels)
        print(train.period_line(hp, period, record), flush=True)
        history.add(record)
    return history
