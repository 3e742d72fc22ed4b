"""A family's layers as a compiled ``keras.Sequential``, for a given execution."""

from __future__ import annotations

import keras

from mnist_keras.execution import build
from mnist_keras.execution.settings import Execution
from mnist_keras.nets import translate
from mnist_keras.nets.hparams import Training


def sequential(layers: list, name: str, hp: Training, execution: Execution,
               ema_momentum: float = 0.0) -> keras.Sequential:
    """``layers`` as a ``keras.Sequential`` (or the XLA-loop subclass), compiled."""
    model = build.sequential_class(execution)(layers, name=name)
    return compile_model(model, hp, execution, ema_momentum)


def compile_model(model: keras.Model, hp: Training, execution: Execution,
                  ema_momentum: float = 0.0) -> keras.Model:
    """Compiles ``model`` with ``hp``'s optimizer and loss, run as ``execution`` says.

    The loss is the texts' softmax cross-entropy on logits; ``accuracy`` is the metric
    the tutorials printed. A non-zero ``ema_momentum`` keeps an average of the weights in
    the optimizer (``nets.hparams.WeightAverage``).
    """
    optimizer = translate.keras_optimizer(hp, adam=build.adam_class(execution),
                                          ema_momentum=ema_momentum)
    model.compile(optimizer=optimizer, loss=translate.keras_loss(hp), metrics=["accuracy"],
                  **build.compile_options(execution))
    return model
