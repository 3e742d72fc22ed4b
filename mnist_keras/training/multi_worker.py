"""A training loop with ``strategy.run``, for where Keras 3.15's ``fit`` cannot go.

Under ``tf.distribute.MultiWorkerMirroredStrategy``, Keras 3.15's ``fit`` fails before
its first step: it pulls one batch and calls ``strategy.reduce("MEAN", (x, y))`` on the
nested per-replica batch to build the model symbolically, and that strategy cannot reduce
it ("Attempt to convert a value (PerReplica:...) to a Tensor"). This loop trains the same
Keras model with the same optimizer on the same global batches, and prints and records
periods exactly as ``keras_train.fit_periods`` does. It commits no progress: a
multi-worker run that is interrupted starts again from the beginning.
"""

from __future__ import annotations

import dataclasses
import time

import keras
import numpy as np
import tensorflow as tf

from mnist_keras.data.mnist import Mnist
from mnist_keras.nets import translate
from mnist_keras.nets.hparams import Training
from mnist_keras.training import schedule, scoring, strategies, tutorial_lines
from mnist_keras.training.history import History
from mnist_keras.training.run_dir import RunDir


def _step_function(model: keras.Model, hp: Training, strategy: tf.distribute.Strategy):
    """One global step: every replica on its part of the batch; sums over all replicas."""
    # The stage's loss summed over this replica's part of the batch; a mean is taken
    # over the global batch below.
    summed_loss = translate.keras_loss(dataclasses.replace(hp, loss_reduction="sum"))

    def replica_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            total = summed_loss(y, logits)
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


def train_periods(model: keras.Model, hp: Training, data: Mnist, run_dir: RunDir, *,
                  verbose: int = 1, tensorboard: bool = False) -> History:
    """Trains a model built under a multi-worker strategy; returns the history."""
    strategy = model.distribute_strategy
    periods, batches = schedule.periods(hp, len(data.train))
    iterator = iter(strategies.training_data(model, hp, data.train, periods * batches, 0))
    step = _step_function(model, hp, strategy)
    history = History(run_dir, tensorboard=tensorboard)
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
        if data.validation is not None:  # here, on one device: predict would shard
            logits = scoring.batched_logits(lambda b: model(b, training=False).numpy(),
                                         data.validation.images)
            record["val_loss"], record["val_accuracy"] = scoring.score(
                logits, data.validation.labels)
        print(tutorial_lines.period_line(hp, period, record), flush=True)
        history.add(record)
    return history
