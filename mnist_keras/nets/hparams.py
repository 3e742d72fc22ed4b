"""What every stage's hyperparameters share: how the tutorial trains it.

Every stage's ``HParams`` extends :class:`Training` with its model's fields (``mlp`` or
``cnn``); a stage overrides the defaults its text changed. Only the tutorial's
hyperparameters live here; how a model is executed fast is ``mnist_keras.execution``.
"""

from __future__ import annotations

import dataclasses
import math

from mnist_keras.data.mnist import VALIDATION_SIZE
from mnist_keras.data.idx import IDX_FILES


@dataclasses.dataclass(frozen=True)
class Training:
    """How a stage trains.

    Attributes:
      optimizer: ``"sgd"`` (TF1 ``GradientDescentOptimizer``) or ``"adam"``.
      learning_rate: step size.
      adam_epsilon: Adam's epsilon. TF1's ``AdamOptimizer`` default is 1e-8 (the texts'
        value); Keras 3's default is 1e-7. Both add it to sqrt(v) after bias correction of
        the step, so with the same epsilon the two updates are the same formula.
      loss_reduction: ``"mean"`` or ``"sum"`` of the cross-entropy over a batch.
      epochs: passes over the training split (ignored when ``steps`` is set).
      steps: train for this many batches instead of epochs (the experts' text).
      log_every: in step mode, a ``step N, training accuracy`` line every this many steps.
      batch_size: images per step.
      seed: the seed the texts fixed; ``main`` seeds Python, NumPy and TF from it once.
      full_train: train on all 60,000 images (the Keras texts) instead of TF1's 55,000.
      lr_schedule: ``"constant"``, or ``"cosine"``: the rate falls from ``learning_rate``
        along half a cosine to ``lr_final`` times it at the last step.
      lr_final: the cosine schedule's last rate, as a fraction of ``learning_rate``.
    """

    optimizer: str = "sgd"
    learning_rate: float = 0.1
    adam_epsilon: float = 1e-8
    loss_reduction: str = "mean"
    epochs: int = 15
    steps: int | None = None
    log_every: int = 100
    batch_size: int = 100
    seed: int = 1234
    full_train: bool = False
    lr_schedule: str = "constant"
    lr_final: float = 0.0


@dataclasses.dataclass(frozen=True)
class WeightAverage:
    """An average of the weights, scored instead of the last ones (stage 15 on).

    Attributes:
      ema_momentum: each step the average moves ``1 - ema_momentum`` of the way to the
        weights (Keras' ``use_ema``); 0 keeps no average. 0.999 averages over about the
        last 1,000 steps.
      bn_refresh_batches: training batches (of ``batch_size``, in order, not augmented)
        on which batch normalization's statistics are measured again for the averaged
        weights before they are scored: the running statistics belong to the last
        weights, not to their average.
    """

    ema_momentum: float = 0.0
    bn_refresh_batches: int = 0


def total_steps(hp: Training) -> int:
    """The batches a stage trains on its text's training set (55,000 or 60,000 images):
    the length of its learning-rate schedule."""
    if hp.steps is not None:
        return hp.steps
    images = IDX_FILES["train_labels"].count - (0 if hp.full_train else VALIDATION_SIZE)
    return hp.epochs * math.ceil(images / hp.batch_size)


def override(hp: Training, *, epochs: int | None = None, steps: int | None = None,
             **values) -> Training:
    """``hp`` with the given values replaced; None leaves a value as the stage has it.

    ``epochs`` switches a step-mode stage to epochs, and ``steps`` the other way round.
    """
    if epochs is not None and steps is not None:
        raise ValueError("give epochs or steps, not both")
    changes = {k: v for k, v in values.items() if v is not None}
    if epochs is not None:
        changes.update(epochs=epochs, steps=None)
    if steps is not None:
        changes["steps"] = steps
    return dataclasses.replace(hp, **changes)
