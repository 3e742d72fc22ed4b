"""The tf.compat.v1 twin of every stage: placeholders, variables, a v1 optimizer, a Session.

This is the tutorials' own way, running on TensorFlow 2: ``X`` [None, 784] and ``Y``
[None, 10] placeholders (one-hot labels, as ``read_data_sets(one_hot=True)`` gave),
``keep_prob`` where the stage has dropout, variables from the stage family's
``v1_logits``, ``reduce_mean(softmax_cross_entropy_with_logits(...))``, a
``tf.compat.v1.train`` optimizer and a ``Session`` loop over shuffled batches with
``feed_dict``. The graph lives in its own ``tf.Graph``; eager execution stays on for the
rest of the process (no ``disable_eager_execution()``).

The same hyperparameters object builds the Keras model, and weights move between the two by
layer order (W1, b1, W2, b2, ...), checked by shape: :func:`set_weights`, :func:`get_weights`.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import shutil
import time

import keras
import numpy as np
import tensorflow as tf

from mnist_keras import data as data_lib
from mnist_keras import nets, runs, train
from mnist_keras.nets import common

v1 = tf.compat.v1
CHECKPOINT_DIR = "v1_checkpoint"  # under the run directory: the final variables (Saver)
BACKUP_DIR = "v1_backup"  # under the run directory: per-period checkpoints, for resuming


@dataclasses.dataclass(frozen=True)
class Graph:
    """The tensors and ops of one stage's TF1 graph."""

    graph: tf.Graph
    x: tf.Tensor
    y: tf.Tensor
    keep_prob: tf.Tensor
    logits: tf.Tensor
    cost: tf.Tensor
    train_op: tf.Operation
    global_step: tf.Variable  # batches trained; saved with the weights, so resuming knows
    accuracy: tf.Tensor
    variables: list
    assigns: list  # (placeholder, assign op) per variable, for set_weights
    init: tf.Operation
    saver: v1.train.Saver  # the per-period backup
    final_saver: v1.train.Saver  # the finished run's variables (each tracks its own path)


def build_graph(hp: common.Training) -> Graph:
    """The stage's TF1 graph, in a new ``tf.Graph`` seeded with ``hp.seed``."""
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(hp.seed)  # as the texts did: tf.set_random_seed(1234)
        x = v1.placeholder(tf.float32, [None, data_lib.IMAGE_SIZE], name="X")
        y = v1.placeholder(tf.float32, [None, data_lib.NUM_CLASSES], name="Y")
        keep_prob = v1.placeholder_with_default(1.0, [], name="keep_prob")
        logits = nets.family(hp).v1_logits(hp, x, keep_prob)
        cost = common.v1_loss(hp, y, logits)
        global_step = v1.train.get_or_create_global_step()
        train_op = common.v1_optimizer(hp).minimize(cost, global_step=global_step)
        correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1))
        accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
        variables = v1.trainable_variables()
        assigns = []
        for var in variables:
            value = v1.placeholder(var.dtype.base_dtype, var.shape)
            assigns.append((value, var.assign(value)))
        init = v1.global_variables_initializer()
        saver, final_saver = v1.train.Saver(max_to_keep=1), v1.train.Saver(max_to_keep=1)
    graph.finalize()  # nothing may add ops during training
    return Graph(graph, x, y, keep_prob, logits, cost, train_op, global_step, accuracy,
                 variables, assigns, init, saver, final_saver)


def set_weights(sess: v1.Session, g: Graph, weights: list[np.ndarray]) -> None:
    """Loads Keras-ordered ``weights`` into the graph's variables, checking shapes."""
    if len(weights) != len(g.variables):
        raise ValueError(f"{len(weights)} arrays for {len(g.variables)} variables")
    for (value, assign), var, w in zip(g.assigns, g.variables, weights):
        if tuple(var.shape) != tuple(np.shape(w)):
            raise ValueError(f"{var.op.name}: shape {tuple(var.shape)}, got {np.shape(w)}")
        sess.run(assign, {value: w})


def get_weights(sess: v1.Session, g: Graph) -> list[np.ndarray]:
    """The graph's variables in layer order (W1, b1, ...), as Keras ``set_weights`` takes."""
    return sess.run(g.variables)


def logits_of(sess: v1.Session, g: Graph, images: np.ndarray) -> np.ndarray:
    """The logits for ``images``, in batches, with ``keep_prob`` 1."""
    return np.concatenate([sess.run(g.logits, {g.x: images[i:i + train.EVAL_BATCH]})
                           for i in range(0, len(images), train.EVAL_BATCH)])


def train_period(sess: v1.Session, g: Graph, hp: common.Training, split: data_lib.Split,
                 labels: np.ndarray, batch_iter, steps: int, verbose: int) -> dict:
    """Runs ``steps`` training batches; returns their mean cost and accuracy and the time."""
    bar = keras.utils.Progbar(steps, verbose=verbose, stateful_metrics=["loss"])
    start, cost, correct, seen = time.perf_counter(), 0.0, 0.0, 0
    for i, idx in enumerate(itertools.islice(batch_iter, steps)):
        feed = {g.x: split.images[idx], g.y: labels[idx], g.keep_prob: 1.0 - hp.dropout}
        c, a, _ = sess.run([g.cost, g.accuracy, g.train_op], feed)
        cost, correct, seen = cost + c * len(idx), correct + a * len(idx), seen + len(idx)
        bar.update(i + 1, [("loss", cost / seen)])
    return {"loss": cost / seen, "accuracy": correct / seen,
            "seconds": time.perf_counter() - start}


def fit(sess: v1.Session, g: Graph, hp: common.Training, data: data_lib.Mnist,
        run_dir: str, verbose: int = 1, tensorboard: bool = False) -> runs.History:
    """The Session loop; checkpoints after every period and resumes from the last one."""
    periods, steps = train.schedule(hp, len(data.train))
    every = train.checkpoint_every(hp, len(data.train))
    os.makedirs(os.path.join(run_dir, BACKUP_DIR), exist_ok=True)
    history = runs.History(run_dir, tensorboard)
    done = _restore(sess, g, run_dir) // steps
    history.resume(done)
    batch_iter = data_lib.batch_indices(len(data.train), hp.batch_size, hp.seed,
                                        start=done * steps)
    labels = data.train.one_hot()
    for period in range(done + 1, periods + 1):
        record = {"epoch": period,
                  **train_period(sess, g, hp, data.train, labels, batch_iter, steps, verbose)}
        if data.validation is not None:
            val_logits = logits_of(sess, g, data.validation.images)
            record["val_loss"], record["val_accuracy"] = runs.score(
                val_logits, data.validation.labels)
        print(train.period_line(hp, period, record), flush=True)
        if period % every == 0:
            g.saver.save(sess, os.path.join(run_dir, BACKUP_DIR, "model.ckpt"))
        history.add(record)
    return history


def _restore(sess: v1.Session, g: Graph, run_dir: str) -> int:
    """Restores the latest checkpoint in ``run_dir``; returns the steps it had trained."""
    latest = v1.train.latest_checkpoint(os.path.join(run_dir, BACKUP_DIR))
    if latest is None:
        return 0
    g.saver.restore(sess, latest)
    return int(sess.run(g.global_step))


def run(stage, stage_id: str, hp: common.Training, data: data_lib.Mnist, run_dir: str, *,
        verbose: int = 1, tensorboard: bool = False,
        initial_weights: list[np.ndarray] | None = None) -> dict:
    """Trains ``stage`` as the texts did, in TF1 graph mode, and writes the run like Keras.

    Args:
      initial_weights: start from these (Keras-ordered) weights instead of the initialisers.

    Returns:
      The metrics written to ``metrics.json``.
    """
    runs.start(run_dir, runs.hparams_record(stage_id, stage.NAME, hp, "v1", data))
    start = time.perf_counter()
    g = build_graph(hp)
    with v1.Session(graph=g.graph) as sess:
        sess.run(g.init)
        if initial_weights is not None:
            set_weights(sess, g, initial_weights)
        history = fit(sess, g, hp, data, run_dir, verbose, tensorboard)
        _, train_accuracy = runs.score(logits_of(sess, g, data.train.images),
                                       data.train.labels)
        test_logits = logits_of(sess, g, data.test.images)
        weights = get_weights(sess, g)
        g.final_saver.save(sess, os.path.join(run_dir, CHECKPOINT_DIR, "model.ckpt"))
    shutil.rmtree(os.path.join(run_dir, BACKUP_DIR), ignore_errors=True)  # run complete
    _, test_accuracy = runs.score(test_logits, data.test.labels)
    runs.print_results(train_accuracy, test_accuracy, data.test, test_logits)
    model = stage.build_model(hp)  # the same weights in the Keras model, for export
    model.set_weights(weights)
    train.save_model(model, os.path.join(run_dir, runs.MODEL_FILE))
    return runs.finish(run_dir, runs.metrics(
        stage_id, "v1", hp, data, history.epochs, train.period_images(hp, len(data.train)),
        model=model, train_accuracy=train_accuracy, test_logits=test_logits,
        wall_time_s=time.perf_counter() - start))
