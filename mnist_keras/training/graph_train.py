"""Training a stage as the tutorials did: its TF1 graph in a ``Session`` loop.

The loop feeds shuffled batches with ``feed_dict`` (the same batches as the Keras path,
``data.pipeline``), prints the tutorial's line after each period and commits progress
(``Saver`` checkpoint and history as one unit, ``run_dir``), so a killed run resumes
with the same command. The finished run is written like a Keras run: its weights go
into the stage's Keras model for ``model.keras``, and ``v1_checkpoint/`` keeps the TF1
variables.
"""

from __future__ import annotations

import glob
import itertools
import os
import time

import keras
import numpy as np
from absl import logging

from mnist_keras.data.mnist import Mnist, Split
from mnist_keras.data.pipeline import batch_indices
from mnist_keras.execution import settings
from mnist_keras.errors import InputError
from mnist_keras.nets.hparams import Training, WeightAverage
from mnist_keras.training import model_file, records, schedule, scoring, tutorial_lines
from mnist_keras.training.history import History
from mnist_keras.training.run_dir import MODEL_FILE, V1_CHECKPOINT_DIR, RunDir, RunDirError
from mnist_keras.training.tf1_graph import (Graph, build_graph, get_weights, logits,
                                            set_weights, v1)


def train_period(sess: v1.Session, g: Graph, hp: Training, split: Split,
                 labels: np.ndarray, batch_iter, steps: int, verbose: int) -> dict:
    """Runs ``steps`` training batches; returns their mean cost and accuracy and the time."""
    bar = keras.utils.Progbar(steps, verbose=verbose, stateful_metrics=["loss"])
    start, cost, correct, seen = time.perf_counter(), 0.0, 0.0, 0
    for i, idx in enumerate(itertools.islice(batch_iter, steps)):
        feed = {g.x: split.images[idx], g.y: labels[idx], g.keep_prob: 1.0 - hp.dropout,
                **({} if g.training is None else {g.training: True})}
        c, a, _ = sess.run([g.cost, g.accuracy, g.train_op], feed)
        cost, correct, seen = cost + c * len(idx), correct + a * len(idx), seen + len(idx)
        bar.update(i + 1, [("loss", cost / seen)])
    return {"loss": cost / seen, "accuracy": correct / seen,
            "seconds": time.perf_counter() - start}


def _save(sess: v1.Session, g: Graph, prefix: str) -> list[str]:
    g.saver.save(sess, prefix, write_meta_graph=False, write_state=False)
    return glob.glob(glob.escape(prefix) + ".*")


def _restore(sess: v1.Session, g: Graph, run_dir: RunDir, steps: int) -> History:
    """The committed history, with every variable restored from its checkpoint."""
    progress = run_dir.progress()
    if progress.checkpoint is not None:
        g.saver.restore(sess, run_dir.file(progress.checkpoint))
        done = int(sess.run(g.global_step))
        if done != progress.periods_done * steps:
            raise RunDirError(f"{run_dir.path}: the checkpoint has {done} steps, its "
                              f"record {progress.periods_done} periods; use --restart")
    return History(run_dir, progress.history)


def session_loop(sess: v1.Session, g: Graph, hp: Training, data: Mnist, run_dir: RunDir,
                 verbose: int = 1, tensorboard: bool = False) -> History:
    """The Session loop over ``hp``'s periods, from the run's last commit."""
    periods, steps = schedule.periods(hp, len(data.train))
    every = schedule.commit_every(hp, len(data.train))
    history = History(run_dir, _restore(sess, g, run_dir, steps).epochs, tensorboard)
    done = len(history.epochs)
    if done:
        print(f"Resuming {run_dir.path} after period {done} of {periods}", flush=True)
    batch_iter = batch_indices(len(data.train), hp.batch_size, hp.seed, start=done * steps)
    labels = data.train.one_hot()
    for period in range(done + 1, periods + 1):
        record = {"epoch": period,
                  **train_period(sess, g, hp, data.train, labels, batch_iter, steps, verbose)}
        if data.validation is not None:
            record["val_loss"], record["val_accuracy"] = scoring.score(
                logits(sess, g, data.validation.images), data.validation.labels)
        print(tutorial_lines.period_line(hp, period, record), flush=True)
        history.add(record)
        if period % every == 0 or period == periods:
            run_dir.commit(period, history.epochs, lambda prefix: _save(sess, g, prefix))
    return history


def _train_session(hp: Training, data: Mnist, run_dir: RunDir, verbose: int,
                   tensorboard: bool, initial_weights: list[np.ndarray] | None):
    """Builds the graph and trains it in a Session; returns (history, train accuracy,
    test logits, weights), and keeps the variables in ``v1_checkpoint/``."""
    g = build_graph(hp)
    with v1.Session(graph=g.graph) as sess:
        sess.run(g.init)
        if initial_weights is not None:
            set_weights(sess, g, initial_weights)
        history = session_loop(sess, g, hp, data, run_dir, verbose, tensorboard)
        _, train_accuracy = scoring.score(logits(sess, g, data.train.images),
                                       data.train.labels)
        test_logits = logits(sess, g, data.test.images)
        weights = get_weights(sess, g)
        g.final_saver.save(sess, os.path.join(run_dir.file(V1_CHECKPOINT_DIR), "model.ckpt"))
    return history, train_accuracy, test_logits, weights


def train(stage, stage_id: str, hp: Training, data: Mnist, path: str, *,
          verbose: int = 1, tensorboard: bool = False, restart: bool = False,
          initial_weights: list[np.ndarray] | None = None) -> dict:
    """Trains ``stage`` as the texts did, in TF1 graph mode, and writes the run like Keras.

    Args:
      restart: discard what ``path`` holds and train from the start.
      initial_weights: start from these (Keras-ordered) weights instead of the initialisers.

    Returns:
      The metrics written to ``metrics.json`` (a finished run's are read, not retrained).
    """
    if isinstance(hp, WeightAverage) and hp.ema_momentum:
        raise InputError(f"stage {stage_id} scores an average of its weights, which its TF1 "
                         "graph does not keep: train it with --api=keras")
    record = records.run_record(stage_id, stage.NAME, "v1", hp, data, execution=None)
    with RunDir(path) as run_dir:
        finished = run_dir.start(record, restart)
        if finished is not None:
            print(tutorial_lines.finished_line(path, finished), flush=True)
            return finished
        logging.info("stage %s (%s), api=v1, hyperparameters: %s", stage_id, stage.NAME,
                     record["hparams"])
        start = time.perf_counter()
        history, train_accuracy, test_logits, weights = _train_session(
            hp, data, run_dir, verbose, tensorboard, initial_weights)
        _, test_accuracy = scoring.score(test_logits, data.test.labels)
        tutorial_lines.print_results(train_accuracy, test_accuracy, data.test, test_logits)
        with settings.scope(settings.Execution()):  # plain Keras, TF's kernels
            model = stage.build_model(hp)
        model.set_weights(weights)
        model_file.save_model(model, run_dir.file(MODEL_FILE))
        metrics = records.metrics(stage_id, "v1", hp, data, history.epochs, weights=weights,
                                  params=model.count_params(),
                                  train_accuracy=train_accuracy, test_logits=test_logits,
                                  wall_time_s=time.perf_counter() - start)
        tutorial_lines.warn_if_diverged(metrics)
        run_dir.finish(metrics)
        return metrics
