"""Training a stage's Keras model the way the tutorial trained it, and reporting it.

Both APIs train in *periods*: an epoch, or in step mode (``hp.steps``) a chunk of
``log_every`` steps. After each period the tutorial's line is printed and the period's
numbers (cost, training accuracy, validation, training seconds) go to ``history.json``.
"""

from __future__ import annotations

import math
import os
import shutil
import time

import keras
import numpy as np
import tensorflow as tf

from mnist_keras import data as data_lib
from mnist_keras import distribute
from mnist_keras import runs
from mnist_keras.nets.common import Training

EVAL_BATCH = 1000  # images per evaluation batch; only memory, not results, depends on it
BACKUP_DIR = "backup"  # under the run directory: the latest checkpoint, for resuming
CHECKPOINT_STEPS = 1000  # in step mode, checkpoint about this often (batches)


def schedule(hp: Training, train_images: int) -> tuple[int, int]:
    """(periods, batches per period): epochs, or chunks of at most ``log_every`` steps."""
    if hp.steps is None:
        return hp.epochs, -(-train_images // hp.batch_size)
    chunk = math.gcd(hp.steps, hp.log_every)  # divides steps; at most log_every
    return hp.steps // chunk, chunk


def checkpoint_every(hp: Training, train_images: int) -> int:
    """Periods between checkpoints: every epoch, or about every ``CHECKPOINT_STEPS``."""
    _, batches = schedule(hp, train_images)
    return 1 if hp.steps is None else max(1, CHECKPOINT_STEPS // batches)


def period_images(hp: Training, train_images: int) -> int:
    """Training images seen in one period."""
    return train_images if hp.steps is None else schedule(hp, train_images)[1] * hp.batch_size


def period_line(hp: Training, period: int, record: dict) -> str:
    """The tutorial's line after ``period`` (1-based): cost per epoch, or step accuracy."""
    if hp.steps is None:
        return runs.epoch_line(period, record["loss"])
    return runs.step_line(period * math.gcd(hp.steps, hp.log_every), record["accuracy"])


class PeriodLog(keras.callbacks.Callback):
    """Prints the tutorial's line after each period and saves it in the history.

    A period's ``seconds`` are its training alone: from its start to the end of its last
    batch, so neither validation nor the checkpoint written after it count.
    """

    def __init__(self, hp: Training, history: runs.History):
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
        print(period_line(self.hp, epoch + 1, record), flush=True)
        self.history.add(record)


class Checkpoint(keras.callbacks.Callback):
    """Saves weights and optimizer state every ``every`` periods, atomically.

    The optimizer's ``iterations`` (batches trained) is saved with them, so a restored
    checkpoint says itself how far the run had got.
    """

    def __init__(self, path: str, every: int):
        super().__init__()
        self.path, self.every = path, every

    def on_epoch_end(self, epoch, logs=None):
        if (epoch + 1) % self.every == 0:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            tmp = self.path.replace(".weights.h5", ".tmp.weights.h5")
            self.model.save_weights(tmp)
            os.replace(tmp, self.path)  # a kill mid-write leaves the previous checkpoint


def restore(model: keras.Model, path: str, batches_per_period: int) -> int:
    """Loads the checkpoint at ``path`` if there is one; returns the periods it had done."""
    if not os.path.exists(path):
        return 0
    model.optimizer.build(model.trainable_variables)  # its variables must exist to load
    model.load_weights(path)
    return int(model.optimizer.iterations.numpy()) // batches_per_period


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


def training_data(model: keras.Model, hp: Training, split: data_lib.Split,
                   num_batches: int, start: int):
    """The training batches, split between the replicas when the model is distributed."""
    def make(parts=None):
        return data_lib.make_dataset(split, hp.batch_size, seed=hp.seed,
                                     num_batches=num_batches, start=start, parts=parts)

    strategy = model.distribute_strategy
    if strategy.num_replicas_in_sync == 1:
        return make()
    return distribute.distributed(strategy, lambda *parts: make(parts))


def fit(model: keras.Model, hp: Training, data: data_lib.Mnist, run_dir: str, *,
        verbose: int = 1, tensorboard: bool = False, callbacks=()) -> runs.History:
    """Trains ``model`` for ``hp``'s epochs or steps, resuming from ``run_dir``'s checkpoint.

    A killed run started again with the same command continues after its last checkpoint,
    on the same batches an uninterrupted run would have seen.
    """
    periods, batches = schedule(hp, len(data.train))
    fit_steps_per_execution(model, batches)
    backup = os.path.join(run_dir, BACKUP_DIR, "latest.weights.h5")
    done = restore(model, backup, batches)
    history = runs.History(run_dir, tensorboard)
    history.resume(done)
    train_ds = training_data(model, hp, data.train, (periods - done) * batches,
                              done * batches)
    val_ds = None
    if data.validation is not None:
        val_ds = data_lib.make_dataset(data.validation, EVAL_BATCH)
    own = [Checkpoint(backup, checkpoint_every(hp, len(data.train)))]
    if verbose:  # the progress bar first, so each period's line follows its bar
        own.append(keras.callbacks.ProgbarLogger())
    own.append(PeriodLog(hp, history))
    model.fit(train_ds, initial_epoch=done, epochs=periods, steps_per_epoch=batches,
              validation_data=val_ds, validation_freq=1 if hp.steps is None else
              max(1, periods // 10), callbacks=own + list(callbacks), verbose=verbose,
              shuffle=False)  # the batches are already in their shuffled order
    shutil.rmtree(os.path.dirname(backup), ignore_errors=True)  # the run is complete
    return history


def logits_of(model: keras.Model, images: np.ndarray) -> np.ndarray:
    """The model's logits for ``images`` [n, 784], in batches, dropout off."""
    return model.predict(images, batch_size=EVAL_BATCH, verbose=0)


def run(stage, stage_id: str, hp: Training, data: data_lib.Mnist, run_dir: str, *,
        verbose: int = 1, tensorboard: bool = False, callbacks=(),
        strategy: tf.distribute.Strategy | None = None) -> dict:
    """Trains ``stage`` with ``hp`` in Keras, prints the tutorial's lines, writes the run.

    With a ``strategy``, the model is built and trained under it (``hp.batch_size`` is the
    global batch) and scored afterwards on one device.

    Returns:
      The metrics written to ``metrics.json``.
    """
    strategy = strategy or tf.distribute.get_strategy()
    hp = distribute.fit_settings(hp, strategy)
    runs.start(run_dir, runs.hparams_record(stage_id, stage.NAME, hp, "keras", data))
    start = time.perf_counter()
    with strategy.scope():  # variables, optimizer and metrics on every replica
        model = stage.build_model(hp)
    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        from mnist_keras import distributed_fit  # Keras' fit fails here: see that module

        history = distributed_fit.fit(model, hp, data, run_dir, verbose=verbose,
                                      tensorboard=tensorboard)
    else:
        history = fit(model, hp, data, run_dir, verbose=verbose, tensorboard=tensorboard,
                      callbacks=callbacks)
    if strategy.num_replicas_in_sync > 1:  # score every image here, on one device
        local = stage.build_model(hp)
        local.set_weights(model.get_weights())
        model = local
    _, train_accuracy = runs.score(logits_of(model, data.train.images), data.train.labels)
    test_logits = logits_of(model, data.test.images)
    _, test_accuracy = runs.score(test_logits, data.test.labels)
    runs.print_results(train_accuracy, test_accuracy, data.test, test_logits)
    save_model(model, os.path.join(run_dir, runs.MODEL_FILE))
    return runs.finish(run_dir, runs.metrics(
        stage_id, "keras", hp, data, history.epochs, period_images(hp, len(data.train)),
        model=model, train_accuracy=train_accuracy, test_logits=test_logits,
        wall_time_s=time.perf_counter() - start))


def save_model(model: keras.Model, path: str) -> None:
    """Saves a native ``.keras`` file atomically (write beside, then rename)."""
    tmp = path[:-len(".keras")] + ".tmp.keras"
    model.save(tmp)
    os.replace(tmp, path)
