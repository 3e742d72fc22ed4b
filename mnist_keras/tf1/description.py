"""A TF1 program's model and training, as plain data: what ``tf1.graph_reader`` reads
from the graph the program built and ``tf1.keras_writer`` writes as Keras 3.

Every part keeps the program's lines it came from (``lines``: line numbers of the
program's file), so that the Keras program can quote them beside what they became.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class InitializerSpec:
    """A Keras initializer: its class name in ``keras.initializers`` and arguments."""

    name: str  # "RandomNormal", "TruncatedNormal", "GlorotUniform", "HeNormal", "Zeros", ...
    args: tuple[tuple[str, float], ...] = ()


@dataclasses.dataclass(frozen=True)
class LayerSpec:
    """One ``keras.layers`` layer, in the program's order.

    ``weights`` names the program's variables that hold the layer's weights, in Keras'
    order (kernel, bias), so that the proof can copy them across.
    """

    kind: str  # "Dense", "Conv2D", "MaxPooling2D", "Reshape", "Flatten", "Dropout", ...
    args: tuple[tuple[str, object], ...] = ()
    weights: tuple[str, ...] = ()
    lines: tuple[int, ...] = ()

    def arg(self, name: str, default=None):
        return dict(self.args).get(name, default)


@dataclasses.dataclass(frozen=True)
class OptimizerSpec:
    """A ``keras.optimizers`` optimizer; ``schedule`` replaces a constant rate."""

    kind: str  # "SGD", "Adam", "RMSprop", "Adagrad"
    args: tuple[tuple[str, object], ...]
    schedule: tuple[tuple[str, object], ...] = ()  # ExponentialDecay's arguments
    lines: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class LossSpec:
    """The program's cost: cross-entropy from logits or from softmax probabilities."""

    from_logits: bool
    one_hot: bool  # float one-hot labels (CategoricalCrossentropy), else class ids
    reduction: str  # "sum_over_batch_size" (reduce_mean) or "sum" (reduce_sum)
    lines: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class Training:
    """How long the program trained: ``epochs`` passes, or ``steps`` batches."""

    batch_size: int
    epochs: int | None
    steps: int | None
    lines: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class Printed:
    """One ``print`` of the program, written for Keras: ``code`` is its call with the
    program's values replaced by Keras' (``logs["loss"]``, ``model.evaluate(...)``);
    ``where`` is ``"epoch"``, ``"step"`` (in a callback) or ``"end"`` (after ``fit``);
    ``guards`` are the ``if`` tests around it, written the same way."""

    where: str
    code: str
    guards: tuple[str, ...] = ()
    lines: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class ModelSpec:
    """The whole program, as one ``keras.Sequential`` and its ``fit``."""

    program: str  # the program's file name, for the comments
    source_lines: tuple[str, ...]  # the program's text, a line each
    input_shape: tuple[int, ...]  # without the batch dimension
    input_line: int
    layers: tuple[LayerSpec, ...]
    loss: LossSpec
    optimizer: OptimizerSpec
    training: Training
    printed: tuple[Printed, ...] = ()
