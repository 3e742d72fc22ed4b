"""The proof printed at the end of every ``--to_keras``, the migration guide's way of
validating a migration:

* the TF1 program's initial weights, copied into the written Keras model, give the
  same outputs on 1,000 test images: max |difference| at most :data:`OUTPUTS` times
  the outputs' largest magnitude where that passes 1 (float32 rounds a logit of 50 to
  about 4e-6, so that untrained nets of N(0, 1) weights, as text 000's, are judged
  by float32's precision, not by a bound below it);
* the first training steps, on the program's own batches with dropout off, give the
  same cost (relative difference at most :data:`LOSS`), which checks the loss, the
  optimizer and its constants together.
"""

from __future__ import annotations

import dataclasses
import types

import numpy as np

OUTPUTS = 1e-5
IMAGES = 1000  # test images whose outputs are compared
LOSS = 1e-4


@dataclasses.dataclass(frozen=True)
class Proof:
    outputs: float  # max |Keras - TF1| on the test images
    losses: tuple[tuple[float, float], ...]  # (TF1, Keras) cost of each step
    scale: float = 1.0  # max(1, the TF1 outputs' largest magnitude)

    @property
    def loss(self) -> float:
        return max((abs(k - t) / max(abs(t), 1e-12) for t, k in self.losses), default=0.0)

    @property
    def equal(self) -> bool:
        return self.outputs <= OUTPUTS * self.scale and self.loss <= LOSS

    def lines(self, program: str) -> list[str]:
        mark = "equal" if self.equal else "NOT equal"
        steps = ", ".join(f"{t:.6f}/{k:.6f}" for t, k in self.losses)
        return [f"proof: the same weights give the same outputs on 1,000 test images: "
                f"max |difference| {self.outputs:.2e} (at most {OUTPUTS * self.scale:.2g}"
                + (f": {OUTPUTS:g} times the largest output, {self.scale:.3g})"
                   if self.scale > 1 else ")"),
                f"proof: {len(self.losses)} training steps on {program}'s batches, dropout "
                f"off, cost TF1/Keras {steps}: relative difference {self.loss:.2e} "
                f"(at most {LOSS:g})",
                f"proof: {mark}"]


def load(source: str, name: str) -> types.ModuleType:
    """The written program as a module (its ``main`` not run)."""
    module = types.ModuleType("keras_program")
    module.__file__ = name
    exec(compile(source, name, "exec"), module.__dict__)  # noqa: S102 -- what we wrote
    return module


def prove(module, layers, first, batches: list) -> Proof:
    """Compares the written model with the TF1 graph's numbers (``to_keras.First``)."""
    import keras

    model = module.build_model()
    model.set_weights([first.weights[n] for layer in layers for n in layer.weights])
    images = _images(first)
    outputs = np.asarray(model(images, training=False))
    difference = float(np.abs(outputs - first.outputs).max())
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dropout):
            layer.rate = 0.0  # the recorded steps ran with dropout off
    losses = []
    for (tf1_loss, feed) in batches:
        x, y = _fed(feed, first.x), _fed(feed, first.labels)
        keras_loss = model.train_on_batch(x, y)[0]
        losses.append((tf1_loss, float(keras_loss)))
    return Proof(difference, tuple(losses), max(1.0, float(np.abs(first.outputs).max())))


def _images(first):
    return first_test_images(first.x.shape)


def first_test_images(shape) -> np.ndarray:
    """The first test images as TF1's input_data served them, in the input's shape."""
    from mnist_keras.data import mnist

    images = mnist.raw_arrays()["test_images"][:IMAGES]
    return np.multiply(images.astype(np.float32), 1.0 / 255.0).reshape(
        len(images), *[int(n) for n in shape[1:]])




def _fed(feed: dict, tensor) -> np.ndarray:
    for key, value in feed.items():
        if key is tensor or getattr(key, "name", key) in (tensor.name, tensor.op.name):
            return np.asarray(value).reshape(len(value), *[int(n) for n in tensor.shape[1:]]) \
                if tensor.shape.rank else np.asarray(value)
    raise KeyError(tensor.name)
