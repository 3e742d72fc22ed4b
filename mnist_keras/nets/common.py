"""What every stage's hyperparameters share, and their meaning in Keras and in TF1.

Hyperparameters name initialisers, activations and optimizers as strings so that one
frozen dataclass can build both a Keras model and a ``tf.compat.v1`` graph. Each name is
translated here, the Keras way next to the TF1 way, so a learner can read them side by side.

Initialiser specs are ``name`` or ``name:value``:

=====================  ====================================  ===========================
spec                   Keras 3                               TF1 (the tutorials)
=====================  ====================================  ===========================
``normal:1.0``         ``RandomNormal(0, 1.0)``              ``tf.random_normal(shape)``
``truncated_normal:s`` ``TruncatedNormal(0, s)``             ``tf.truncated_normal(.., stddev=s)``
``constant:c``         ``Constant(c)``                       ``tf.constant(c, shape=..)``
``zeros``              ``Zeros()``                           ``tf.zeros(shape)``
``glorot_uniform``     ``GlorotUniform()``                   ``xavier_initializer()``
``he_normal``          ``HeNormal()``                        ``tf.keras.initializers.he_normal()``
=====================  ====================================  ===========================
"""

from __future__ import annotations

import dataclasses

import keras
import tensorflow as tf

from mnist_keras.nets import optimizers
from mnist_keras.nets import sequential as sequential_lib

v1 = tf.compat.v1


@dataclasses.dataclass(frozen=True)
class Training:
    """How a stage trains; every stage's hyperparameters extend this.

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
      jit_compile: XLA for Keras ``fit``; chosen per stage by measurement on CPU
        (``benchmarks/speed.py``). Execution only: the model and its numbers are the same.
      steps_per_execution: batches per call into the compiled train function (fewer
        Python round trips; the progress bar updates once per call).
      fused_adam: where XLA does not compile the step, Adam updates each variable with
        TF's one fused kernel (``optimizers.FusedAdam``) instead of Keras' ten ops; the
        same formula, measured faster for the experts' CNN (``benchmarks/speed.py``).
      xla_loop: where XLA compiles the step, run each execution's batches in one XLA
        program (``sequential.Sequential``) rather than Keras' loop of one XLA launch per
        batch; the same numbers, measured faster for stage 8 (``benchmarks/speed.py``).
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
    # Measured on 2 CPU cores, stage 8, against these defaults trained by turns in one
    # process (time per step, results/speed-paired.json from benchmarks/speed.py
    # --paired): no XLA, 1 step per call x2.20; XLA, 1 step x1.60; XLA, 50 steps in
    # Keras' loop (xla_loop off) x1.11.
    jit_compile: bool = True
    steps_per_execution: int = 50
    fused_adam: bool = True
    xla_loop: bool = True


def _parse(spec: str) -> tuple[str, float | None]:
    name, _, value = spec.partition(":")
    return name, (float(value) if value else None)


def keras_initializer(spec: str) -> keras.initializers.Initializer:
    """The Keras initializer for an initialiser spec (see the module table)."""
    name, value = _parse(spec)
    makers = {
        "normal": lambda: keras.initializers.RandomNormal(0.0, value),
        "truncated_normal": lambda: keras.initializers.TruncatedNormal(0.0, value),
        "constant": lambda: keras.initializers.Constant(value),
        "zeros": keras.initializers.Zeros,
        "glorot_uniform": keras.initializers.GlorotUniform,
        "he_normal": keras.initializers.HeNormal,
    }
    return _lookup(makers, name, "initializer")()


def v1_initializer(spec: str):
    """The ``tf.compat.v1`` initializer for an initialiser spec (see the module table)."""
    name, value = _parse(spec)
    makers = {
        "normal": lambda: v1.random_normal_initializer(0.0, value),
        "truncated_normal": lambda: v1.truncated_normal_initializer(0.0, value),
        "constant": lambda: v1.constant_initializer(value),
        "zeros": v1.zeros_initializer,
        "glorot_uniform": v1.glorot_uniform_initializer,
        # he_normal = variance scaling 2/fan_in, truncated normal, as Keras' HeNormal.
        "he_normal": lambda: v1.variance_scaling_initializer(2.0, "fan_in", "truncated_normal"),
    }
    return _lookup(makers, name, "initializer")()


V1_ACTIVATIONS = {"relu": tf.nn.relu, "sigmoid": tf.sigmoid, "softmax": tf.nn.softmax}


def v1_activation(name: str):
    """The TF op for a Keras activation name."""
    return _lookup(V1_ACTIVATIONS, name, "activation")


def keras_optimizer(hp: Training) -> keras.optimizers.Optimizer:
    """The Keras optimizer of ``hp``."""
    # XLA fuses Keras' Adam ops itself; elsewhere TF's fused kernel saves their passes.
    fused = hp.fused_adam and not hp.jit_compile
    adam = optimizers.FusedAdam if fused else keras.optimizers.Adam
    makers = {
        "sgd": lambda: keras.optimizers.SGD(hp.learning_rate),
        "adam": lambda: adam(hp.learning_rate, epsilon=hp.adam_epsilon),
    }
    return _lookup(makers, hp.optimizer, "optimizer")()


def v1_optimizer(hp: Training):
    """The ``tf.compat.v1.train`` optimizer of ``hp``."""
    makers = {
        "sgd": lambda: v1.train.GradientDescentOptimizer(hp.learning_rate),
        "adam": lambda: v1.train.AdamOptimizer(hp.learning_rate, epsilon=hp.adam_epsilon),
    }
    return _lookup(makers, hp.optimizer, "optimizer")()


def keras_loss(hp: Training) -> keras.losses.Loss:
    """Softmax cross-entropy on logits with sparse labels, mean or sum over the batch."""
    reduction = {"mean": "sum_over_batch_size", "sum": "sum"}
    return keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction=_lookup(reduction, hp.loss_reduction, "loss_reduction"))


def v1_loss(hp: Training, labels: tf.Tensor, logits: tf.Tensor) -> tf.Tensor:
    """The texts' ``reduce_mean(softmax_cross_entropy_with_logits_v2(...))`` (or sum)."""
    reduce = {"mean": tf.reduce_mean, "sum": tf.reduce_sum}
    per_example = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    return _lookup(reduce, hp.loss_reduction, "loss_reduction")(per_example)


def dropout_rng(hp: Training) -> str:
    """The dropout masks' random-number algorithm: ThreeFry under XLA (see layers.Dropout)."""
    return "threefry" if hp.jit_compile else "auto_select"


def sequential(layers: list, name: str, hp: Training) -> keras.Sequential:
    """``layers`` as a ``keras.Sequential`` compiled for ``hp``: the XLA loop's or Keras'."""
    model_class = sequential_lib.Sequential if hp.xla_loop else keras.Sequential
    return compile_model(model_class(layers, name=name), hp)


def compile_model(model: keras.Model, hp: Training) -> keras.Model:
    """Compiles ``model`` with ``hp``'s optimizer, loss and execution settings."""
    model.compile(optimizer=keras_optimizer(hp), loss=keras_loss(hp), metrics=["accuracy"],
                  jit_compile=hp.jit_compile, steps_per_execution=hp.steps_per_execution)
    return model


def _lookup(table: dict, key: str, what: str):
    try:
        return table[key]
    except KeyError:
        raise ValueError(f"unknown {what} {key!r}; valid: {', '.join(table)}") from None


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
