"""Text 004's point: a Dense net's forward pass in NumPy alone, one image at a time and
then in batches.

The weights file is an ``.npz`` holding ``W1, b1, W2, b2, ...`` in layer order and
``activation`` (the hidden layers'); it is loaded with ``allow_pickle=False``, so a
weights file cannot run code. The output layer is softmax, made overflow-safe by
subtracting each row's max as the text does.
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np

HIDDEN_ACTIVATIONS = ("sigmoid", "relu", "softmax")


def softmax(x: np.ndarray) -> np.ndarray:
    """Softmax over the last axis of one logit vector or a batch; never overflows."""
    shifted = x - np.max(x, axis=-1, keepdims=True)  # exp(<= 0) <= 1
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)), written with tanh so large |x| cannot overflow."""
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


_ACTIVATIONS = {"sigmoid": sigmoid, "relu": relu, "softmax": softmax}


@dataclasses.dataclass(frozen=True)
class NumpyNet:
    """Dense layers ``(W, b)`` in order; hidden ``activation``; softmax output."""

    layers: tuple[tuple[np.ndarray, np.ndarray], ...]
    activation: str

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        """Softmax outputs for one image [784] or a batch [n, 784] of pixels in [0, 1]."""
        act = _ACTIVATIONS[self.activation]
        h = images
        for w, b in self.layers[:-1]:
            h = act(h @ w + b)
        w, b = self.layers[-1]
        return softmax(h @ w + b)


def export_weights(model, path: str) -> None:
    """Writes a Dense-only Keras model's weights as ``.npz`` (see the module docstring).

    Raises:
      ValueError: the model has layers other than Dense and Dropout, or mixed activations.
    """
    import keras  # only the export needs Keras; inference is NumPy alone

    dense = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            dense.append(layer)
        elif not isinstance(layer, keras.layers.Dropout):  # dropout is off at inference
            raise ValueError(f"not a Dense-only model: it has {type(layer).__name__} "
                             f"layer {layer.name!r}")
    hidden = {layer.activation.__name__ for layer in dense[:-1]} or {"sigmoid"}
    if len(hidden) != 1 or not hidden <= set(HIDDEN_ACTIVATIONS):
        raise ValueError(f"hidden activations {sorted(hidden)}: need one of "
                         f"{HIDDEN_ACTIVATIONS}")
    arrays = {"activation": np.array(hidden.pop())}
    for i, layer in enumerate(dense, start=1):
        arrays[f"W{i}"], arrays[f"b{i}"] = (np.asarray(v) for v in layer.get_weights())
    np.savez(path, **arrays)


def load_weights(path: str) -> NumpyNet:
    """Reads an ``.npz`` written by :func:`export_weights`; never unpickles."""
    with np.load(path, allow_pickle=False) as f:
        activation = str(f["activation"])
        count = sum(1 for key in f.files if key.startswith("W"))
        layers = tuple((f[f"W{i}"], f[f"b{i}"]) for i in range(1, count + 1))
    if activation not in HIDDEN_ACTIVATIONS or not layers:
        raise ValueError(f"{path}: not a weights file of export_weights")
    return NumpyNet(layers, activation)


def accuracy_one_at_a_time(net: NumpyNet, images, labels) -> tuple[float, float]:
    """The text's first loop: one image per forward pass. Returns (accuracy, images/s)."""
    start, correct = time.perf_counter(), 0
    for x, t in zip(images, labels):
        correct += int(np.argmax(net.probabilities(x)) == t)
    return correct / len(labels), len(labels) / (time.perf_counter() - start)


def accuracy_batched(net: NumpyNet, images, labels, batch_size: int) -> tuple[float, float]:
    """The text's second loop: ``batch_size`` images per pass. Returns (accuracy, images/s)."""
    start, correct = time.perf_counter(), 0
    for i in range(0, len(labels), batch_size):
        p = np.argmax(net.probabilities(images[i:i + batch_size]), axis=1)
        correct += int(np.sum(p == labels[i:i + batch_size]))
    return correct / len(labels), len(labels) / (time.perf_counter() - start)
