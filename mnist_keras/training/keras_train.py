"""Training a stage's Keras model the way the tutorial trained it, into a run directory.

``model.fit`` runs the tutorial's periods (epochs, or 100-step chunks in step mode) with
two callbacks: one prints the tutorial's line and records the period, the other commits
progress (checkpoint and history as one unit, ``run_dir``). A killed run started again
with the same command continues after its last commit, on the same batches an
uninterrupted run would have seen, and ends on the same weights.
"""

from __future__ import annotations

import os
import time

import keras
import numpy as np
import tensorflow as tf
from absl import logging

from mnist_keras import nets
from mnist_keras.data.mnist import Mnist
from mnist_keras.data.pipeline import make_dataset
from mnist_keras.execution import settings
from mnist_keras.nets.hparams import Training
from mnist_keras.training import (model_file, records, schedule, scoring, strategies,
                                  tutorial_lines, weight_average)
from mnist_keras.training.history import History
from mnist_keras.training.run_dir import MODEL_FILE, Progress, RunDir, RunDirError

RNG_SUFFIX = ".rng.npy"  # beside a checkpoint: its random generators' states


class PeriodLog(keras.callbacks.Callback):
    """Prints the tutorial's line after each period and adds the period to the history.

    A period's ``seconds`` are its training alone: from its start to the end of its last
    batch, so neither validation nor the commit after it count.
    """

    def __init__(self, hp: Training, history: History):
        super().__init__()
        self.hp, self.history = hp, history
        self._start = self._end = None

    def on_epoch_begin(self, epoch, logs=None):
        self._start = self._end = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):  # once per execution of batches
        self._end = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        record = {"epoch": epoch + 1, **{k: float(v) for k, v in (logs or {}).items()},
                  "seconds": self._end - self._start}
        print(tutorial_lines.period_line(self.hp, epoch + 1, record), flush=True)
        self.history.add(record)


class ProgressCommit(keras.callbacks.Callback):
    """Commits weights, optimizer state and history every ``every`` periods, and at the
    last one (``RunDir.commit``)."""

    def __init__(self, run_dir: RunDir, history: History, every: int, periods: int):
        super().__init__()
        self.run_dir, self.history = run_dir, history
        self.every, self.periods = every, periods

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        if done % self.every == 0 or done == self.periods:
            self.run_dir.commit(done, self.history.epochs, self._save)

    def _save(self, prefix: str) -> list[str]:
        path = prefix + ".weights.h5"
        self.model.save_weights(path)  # the optimizer's iterations and slots too
        states = _seed_states(self.model)
        if not states:
            return [path]
        np.save(prefix + RNG_SUFFIX, np.stack([v.numpy() for v in states]))
        return [path, prefix + RNG_SUFFIX]


def _seed_states(model: keras.Model) -> list:
    """The states of the model's random generators (dropout, augmentation), in order.

    ``save_weights`` leaves them out, so without them a resumed run would draw its
    dropout masks and augmentations from the start of their streams again.
    """
    return [v for v in model.variables if v.name == "seed_generator_state"]


def restore(model: keras.Model, run_dir: RunDir, batches_per_period: int) -> Progress:
    """The committed progress, with the model's weights and optimizer state restored."""
    progress = run_dir.progress()
    if progress.checkpoint is not None:
        model.optimizer.build(model.trainable_variables)  # its variables must exist to load
        prefix = run_dir.file(progress.checkpoint)
        model.load_weights(prefix + ".weights.h5")
        if os.path.exists(prefix + RNG_SUFFIX):  # absent without generators, or older
            for v, state in zip(_seed_states(model), np.load(prefix + RNG_SUFFIX)):
                v.assign(state)
        steps = int(model.optimizer.iterations.numpy())
        if steps != progress.periods_done * batches_per_period:
            raise RunDirError(f"{run_dir.path}: the checkpoint has {steps} steps, its "
                              f"record {progress.periods_done} periods; use --restart")
    return progress


def fit_steps_per_execution(model: keras.Model, batches_per_period: int) -> int:
    """Makes the model's steps per execution divide the batches in a period.

    Keras 3 runs whole executions of ``steps_per_execution`` batches and stops early only
    when the data runs out, so with 20 batches per epoch and 50 per execution every epoch
    would silently train 50 batches. Use the largest divisor not above the setting.
    """
    wanted = model.steps_per_execution
    fitting = max(d for d in range(1, wanted + 1) if batches_per_period % d == 0)
    if fitting != wanted:
        model.steps_per_execution = fitting
        model.train_function = None  # rebuilt by fit with the new step count
    return fitting


def fit_periods(model: keras.Model, hp: Training, data: Mnist, run_dir: RunDir, *,
                verbose: int = 1, tensorboard: bool = False, callbacks=()) -> History:
    """Trains ``model`` for ``hp``'s periods with ``fit``, from the run's last commit."""
    periods, batches = schedule.periods(hp, len(data.train))
    fit_steps_per_execution(model, batches)
    history = History(run_dir, restore(model, run_dir, batches).history, tensorboard)
    done = len(history.epochs)
    if done:
        print(f"Resuming {run_dir.path} after period {done} of {periods}", flush=True)
    if done == periods:
        return history
    train_ds = strategies.training_data(model, hp, data.train, (periods - done) * batches,
                             done * batches)
    val_ds = None if data.validation is None else make_dataset(data.validation,
                                                               scoring.EVAL_BATCH)
    own = [keras.callbacks.ProgbarLogger()] if verbose else []  # each bar, then its line
    own += [PeriodLog(hp, history),
            ProgressCommit(run_dir, history, schedule.commit_every(hp, len(data.train)),
                           periods)]
    if weight_average.averaging(model):
        own.insert(0, weight_average.ValidateTheAverage())
    model.fit(train_ds, initial_epoch=done, epochs=periods, steps_per_epoch=batches,
              validation_data=val_ds, validation_freq=1 if hp.steps is None else
              max(1, periods // 10), callbacks=own + list(callbacks), verbose=verbose,
              shuffle=False)  # the batches are already in their shuffled order
    return history


def train(stage, stage_id: str, hp: Training, data: Mnist, path: str, *,
          execution: settings.Execution | None = None, verbose: int = 1,
          tensorboard: bool = False, strategy: tf.distribute.Strategy | None = None,
          restart: bool = False, callbacks=()) -> dict:
    """Trains ``stage`` with ``hp`` in Keras, prints the tutorial's lines, writes the run.

    Args:
      execution: how the model runs (default: its family's, ``execution.settings``).
      strategy: build and train under it (``hp.batch_size`` is the global batch); the
        run is scored afterwards on one device.
      restart: discard what ``path`` holds and train from the start.

    Returns:
      The metrics written to ``metrics.json`` (a finished run's are read, not retrained).
    """
    strategy = strategy or tf.distribute.get_strategy()
    execution = settings.under_strategy(
        execution or settings.for_family(nets.family(hp).FAMILY), strategy)
    record = records.run_record(stage_id, stage.NAME, "keras", hp, data, execution,
                                strategies.name_of(strategy))
    with RunDir(path) as run_dir:
        finished = run_dir.start(record, restart)
        if finished is not None:
            print(tutorial_lines.finished_line(path, finished), flush=True)
            return finished
        logging.info("stage %s (%s), api=keras, hyperparameters: %s; execution: %s",
                     stage_id, stage.NAME, record["hparams"], record["execution"])
        start = time.perf_counter()
        # Variables, optimizer and metrics on every replica; the model run as ``execution``.
        with strategy.scope(), settings.scope(execution):
            model = stage.build_model(hp)
        if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
            from mnist_keras.training import multi_worker  # Keras' fit fails there

            history = multi_worker.train_periods(model, hp, data, run_dir, verbose=verbose,
                                                 tensorboard=tensorboard)
        else:
            history = fit_periods(model, hp, data, run_dir, verbose=verbose,
                                  tensorboard=tensorboard, callbacks=callbacks)
        return _finish(stage, stage_id, hp, execution, data, model, history, run_dir, start)


def _finish(stage, stage_id: str, hp: Training, execution: settings.Execution, data: Mnist,
            model: keras.Model, history: History, run_dir: RunDir, start: float) -> dict:
    """Scores the trained model, prints the closing lines, saves it and its metrics."""
    distributed = model.distribute_strategy.num_replicas_in_sync > 1
    scored = _average_in(model, hp, data)
    # A distributed model is scored by a one-device copy (predict would shard).
    scorer = model_file.portable_copy(model, stage, hp, execution) if distributed else model
    _, train_accuracy = scoring.score(scoring.batched_logits(scorer.predict_on_batch,
                                                       data.train.images),
                                   data.train.labels)
    test_logits = scoring.batched_logits(scorer.predict_on_batch, data.test.images)
    _, test_accuracy = scoring.score(test_logits, data.test.labels)
    tutorial_lines.print_results(train_accuracy, test_accuracy, data.test, test_logits)
    portable = scorer if distributed else model_file.portable_copy(model, stage, hp, execution)
    model_file.save_model(portable, run_dir.file(MODEL_FILE))
    metrics = records.metrics(stage_id, "keras", hp, data, history.epochs,
                              weights=model.get_weights(), params=model.count_params(),
                              train_accuracy=train_accuracy, test_logits=test_logits,
                              wall_time_s=time.perf_counter() - start)
    metrics.update(scored)
    if data.validation is not None:  # what the run's choices were read off, as scored
        metrics["validation_loss"], metrics["validation_accuracy"] = scoring.score(
            scoring.batched_logits(scorer.predict_on_batch, data.validation.images),
            data.validation.labels)
    tutorial_lines.warn_if_diverged(metrics)
    run_dir.finish(metrics)
    return metrics


def _average_in(model: keras.Model, hp: Training, data: Mnist) -> dict:
    """Where the optimizer kept an average of the weights: the average written over them
    and batch normalization's statistics measured again for it. Returns what to record."""
    if not weight_average.averaging(model):
        return {}
    weight_average.average_in(model)
    images = data.train.images[:hp.bn_refresh_batches * hp.batch_size]
    refreshed = weight_average.refresh_batch_norm(model, images, hp.batch_size)
    return {"scored": "weight average", "bn_refresh_images": refreshed}
