"""Batched evaluation and its score, one function for both APIs."""

from __future__ import annotations

from typing import Callable

import numpy as np

from mnist_keras.data.mnist import NUM_CLASSES

EVAL_BATCH = 1000  # images per evaluation batch; only memory, not results, depends on it


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
