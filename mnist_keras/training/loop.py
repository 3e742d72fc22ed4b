"""What every training path shares: Keras, TF1, several workers and keras-tuner.

The schedule: both APIs train in *periods*, an epoch or, in step mode (``hp.steps``), a
chunk of ``log_every`` steps; after each, the tutorial's line is printed and the
period's numbers go to the history. The printed lines are the tutorials' own
(``Epoch: 0001 cost = 0.486314783``, ``step 100, training accuracy 0.86``,
``Learning Finished!``, ``Accuracy(test): 0.9845``, ``Label:  [8]``). Evaluation runs in
batches and is scored by one function for both APIs. The model is saved as Keras' own
classes, whatever classes trained it.
"""

from __future__ import annotations

import hashlib
import math
import os
import random
from typing import Callable

import keras
import numpy as np
from absl import logging

from mnist_keras.data.mnist import NUM_CLASSES, Split
from mnist_keras.execution import settings
from mnist_keras.nets.hparams import Training
from mnist_keras.training import atomic

EVAL_BATCH = 1000  # images per evaluation batch; only memory, not results, depends on it
CHECKPOINT_STEPS = 1000  # in step mode, commit progress about this often (batches)


def schedule(hp: Training, train_images: int) -> tuple[int, int]:
    """(periods, batches per period): epochs, or chunks of at most ``log_every`` steps."""
    if hp.steps is None:
        return hp.epochs, -(-train_images // hp.batch_size)
    chunk = math.gcd(hp.steps, hp.log_every)  # divides steps; at most log_every
    return hp.steps // chunk, chunk


def commit_every(hp: Training, train_images: int) -> int:
    """Periods between commits of progress: every epoch, or about every 1,000 steps."""
    _, batches = schedule(hp, train_images)
    return 1 if hp.steps is None else max(1, CHECKPOINT_STEPS // batches)


def period_images(hp: Training, train_images: int) -> int:
    """Training images seen in one period."""
    return train_images if hp.steps is None else schedule(hp, train_images)[1] * hp.batch_size


def epoch_line(epoch: int, cost: float) -> str:
    """The texts' ``print('Epoch:', '%04d' % (epoch + 1), 'cost =', ...)``, 1-based."""
    return f"Epoch: {epoch:04d} cost = {cost:.9f}"


def step_line(step: int, accuracy: float) -> str:
    """The experts' text's ``"step %d, training accuracy %g"``."""
    return f"step {step}, training accuracy {accuracy:g}"


def period_line(hp: Training, period: int, record: dict) -> str:
    """The tutorial's line after ``period`` (1-based): cost per epoch, or step accuracy."""
    if hp.steps is None:
        return epoch_line(period, record["loss"])
    return step_line(period * math.gcd(hp.steps, hp.log_every), record["accuracy"])


def finished_line(path: str, metrics: dict) -> str:
    """What a start in a finished run's directory prints instead of training again."""
    return (f"{path} holds this finished run: test accuracy {metrics['test_accuracy']:.4f} "
            "(--restart trains it again)")


def batched_logits(predict_batch: Callable[[np.ndarray], np.ndarray],
                   images: np.ndarray) -> np.ndarray:
    """Logits [n, 10] of ``images``, :data:`EVAL_BATCH` at a time, dropout off.

    Args:
      predict_batch: a model's logits for one batch (``model.predict_on_batch``, a TF1
        Session's ``logits`` tensor, ...).
    """
    parts = [np.asarray(predict_batch(images[i:i + EVAL_BATCH]))
             for i in range(0, len(images), EVAL_BATCH)]
    return np.concatenate(parts) if parts else np.zeros((0, NUM_CLASSES), np.float32)


def score(logits: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(mean softmax cross-entropy, accuracy) of ``logits`` [n, 10] against sparse labels.

    Computed here, not by either framework, so both APIs are scored by the same code.
    """
    logits = logits.astype(np.float64)
    shifted = logits - logits.max(axis=1, keepdims=True)  # log-softmax without overflow
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(len(labels)), labels].mean()
    return float(loss), float(np.mean(np.argmax(logits, axis=1) == labels))


def print_results(train_accuracy: float, test_accuracy: float, test: Split,
                  test_logits: np.ndarray) -> None:
    """The texts' closing lines, with one random test image's label and prediction."""
    r = random.randint(0, len(test) - 1)  # the texts' random.randint; seeded in main
    print("Learning Finished!")
    print("Accuracy(train):", f"{train_accuracy:.7g}")
    print("Accuracy(test):", f"{test_accuracy:.4f}")
    print("Label: ", [int(test.labels[r])])
    print("Prediction: ", [int(np.argmax(test_logits[r]))], flush=True)


def fingerprint(weights: list[np.ndarray]) -> str:
    """SHA-256 of the weights' bytes in order: equal weights, equal fingerprints."""
    digest = hashlib.sha256()
    for w in weights:
        digest.update(np.ascontiguousarray(w).tobytes())
    return digest.hexdigest()


def portable_copy(model: keras.Model, stage, hp: Training,
                  execution: settings.Execution) -> keras.Sequential:
    """``model`` as Keras' own classes: the same layers, weights and optimizer state.

    What trained it may be this project's faster classes (``mnist_keras.execution``);
    the copy is the stage's model built as plain ``keras.Sequential`` with Keras' layers
    and optimizer, compiled with the same ``jit_compile`` so that it predicts with the
    same kernels.
    """
    with settings.scope(settings.portable(execution)):
        copy = stage.build_model(hp)
    copy.set_weights(model.get_weights())
    trained = model.optimizer
    if trained is not None and trained.built:
        copy.optimizer.build(copy.trainable_variables)
        for target, source in zip(copy.optimizer.variables, trained.variables, strict=True):
            target.assign(np.asarray(source))
    return copy


def save_model(model: keras.Model, path: str) -> None:
    """Saves a native ``.keras`` file atomically (written beside, then renamed), 0644."""
    tmp = atomic.temporary_path(path)[:-len(".tmp")] + ".keras"  # Keras wants .keras
    try:
        model.save(tmp)
        os.chmod(tmp, atomic.FILE_MODE)
        atomic.sync_file(tmp)
        atomic.replace(tmp, path)
    except BaseException:
        atomic.remove(tmp)
        raise


def warn_if_diverged(metrics: dict) -> None:
    """Logs a warning for a run whose final cost is not finite; stage 1 is meant to."""
    if metrics["diverged"]:
        logging.warning("the run diverged: final cost %s, test accuracy %.4f. Stage 1 "
                        "is meant to fail; elsewhere lower the learning rate.",
                        metrics["final_cost"], metrics["test_accuracy"])
