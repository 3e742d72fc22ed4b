"""The lines the tutorials printed, printed by every training path.

``Epoch: 0001 cost = 0.486314783``, ``step 100, training accuracy 0.86``,
``Learning Finished!``, ``Accuracy(test): 0.9845``, ``Label:  [8]``; and the few lines a
run adds (a finished run found again, a diverged run's warning).
"""

from __future__ import annotations

import math
import random

import numpy as np
from absl import logging

from mnist_keras.data.mnist import Split
from mnist_keras.nets.hparams import Training


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


def print_results(train_accuracy: float, test_accuracy: float, test: Split,
                  test_logits: np.ndarray) -> None:
    """The texts' closing lines, with one random test image's label and prediction."""
    r = random.randint(0, len(test) - 1)  # the texts' random.randint; seeded in main
    print("Learning Finished!")
    print("Accuracy(train):", f"{train_accuracy:.7g}")
    print("Accuracy(test):", f"{test_accuracy:.4f}")
    print("Label: ", [int(test.labels[r])])
    print("Prediction: ", [int(np.argmax(test_logits[r]))], flush=True)


def warn_if_diverged(metrics: dict) -> None:
    """Logs a warning for a run whose final cost is not finite; stage 1 is meant to."""
    if metrics["diverged"]:
        logging.warning("the run diverged: final cost %s, test accuracy %.4f. Stage 1 "
                        "is meant to fail; elsewhere lower the learning rate.",
                        metrics["final_cost"], metrics["test_accuracy"])
