"""Predictors: an exported model as a function from MNIST images to probabilities.

Models: a SavedModel version directory (or its parent: the highest version is used, as
TF Serving does), a ``.tflite`` file, or a ``.npz`` of Dense weights (``numpy_net``).
SavedModels and TFLite files are called through their ``serving_default`` signature
(``images`` float32 [n, 28, 28] -> ``probabilities``). :func:`predict_files` frames image
files as MNIST was (``images``) and predicts them, reporting each unreadable file.
"""

from __future__ import annotations

import os
import zipfile
from typing import Callable

import numpy as np
import tensorflow as tf

from mnist_keras.data.mnist import IMAGE_SIDE, IMAGE_SIZE
from mnist_keras.errors import InputError
from mnist_keras.serving import images as images_lib

TOP_K = 3
BATCH = 1000  # images per model call; only memory, not results, depends on it
SIGNATURE = "serving_default"

# Maps images float32 [n, 28, 28] in [0, 1] to probabilities [n, 10].
Predictor = Callable[[np.ndarray], np.ndarray]


class ModelError(InputError):
    """A model path that cannot be loaded as a predictor; the message is one line."""


def _one_line(e: Exception) -> str:
    """An exception's whole message on one line (its lines joined)."""
    lines = [line.strip() for line in str(e).splitlines() if line.strip()]
    return "; ".join(lines) if lines else type(e).__name__


def saved_model_dir(path: str) -> str:
    """``path`` if it holds a SavedModel, else its highest integer-named version."""
    if os.path.isfile(os.path.join(path, "saved_model.pb")):
        return path
    numbered = [int(n) for n in os.listdir(path)
                if n.isdigit() and os.path.isfile(os.path.join(path, n, "saved_model.pb"))]
    if not numbered:
        raise ModelError(f"{path}: no saved_model.pb, nor versions 1, 2, ... holding one")
    return os.path.join(path, str(max(numbered)))


def _check_signature(inputs: dict, outputs, path: str) -> None:
    """Requires the documented ``serving_default`` (see ``mnist_keras.export``)."""
    spec = inputs.get("images")
    if spec is None or spec.dtype != tf.float32 or "probabilities" not in outputs:
        raise ModelError(f"{path}: {SIGNATURE} does not take 'images' float32 [n, 28, 28] "
                         "and return 'probabilities' (export with mnist_keras.export)")


def load_saved_model(path: str) -> Predictor:
    """A predictor calling the SavedModel's ``serving_default`` signature."""
    directory = saved_model_dir(path)
    try:
        loaded = tf.saved_model.load(directory)
        serve = loaded.signatures[SIGNATURE]
    except (OSError, ValueError, KeyError, tf.errors.OpError) as e:
        raise ModelError(f"{directory}: cannot load a SavedModel: {_one_line(e)}") from None
    _check_signature(serve.structured_input_signature[1], serve.structured_outputs,
                     directory)

    def call(batch: np.ndarray) -> np.ndarray:
        return serve(images=tf.constant(batch, tf.float32))["probabilities"].numpy()

    call.loaded = loaded  # the signature's variables live as long as the predictor
    return call


def load_tflite(path: str) -> Predictor:
    """A predictor running the ``.tflite`` file's ``serving_default`` signature in LiteRT
    (``ai_edge_litert``, the runtime that replaces ``tf.lite.Interpreter``)."""
    from ai_edge_litert.interpreter import Interpreter

    try:
        runner = Interpreter(model_path=path).get_signature_runner(SIGNATURE)
    except (ValueError, RuntimeError) as e:
        raise ModelError(f"{path}: cannot load a TFLite model: {_one_line(e)}") from None
    details = runner.get_input_details()
    outputs = runner.get_output_details()
    if "images" not in details or details["images"]["dtype"] != np.float32 \
            or "probabilities" not in outputs:
        raise ModelError(f"{path}: {SIGNATURE} does not take 'images' float32 [n, 28, 28] "
                         "and return 'probabilities' (export with mnist_keras.export)")
    return lambda batch: runner(images=batch.astype(np.float32))["probabilities"]


def load_npz(path: str) -> Predictor:
    """A predictor running a NumPy ``.npz`` of Dense weights (``numpy_infer``)."""
    from mnist_keras.serving import numpy_net

    try:
        net = numpy_net.load_weights(path)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
        raise ModelError(f"{path}: cannot load NumPy weights: {_one_line(e)}") from None
    return lambda batch: net.probabilities(batch.reshape(len(batch), IMAGE_SIZE))


def load_predictor(path: str) -> Predictor:
    """The predictor for a SavedModel directory, a ``.tflite`` or a ``.npz`` file.

    Raises:
      ModelError: the path is missing or not a model of these kinds.
    """
    if os.path.isdir(path):
        return load_saved_model(path)
    if not os.path.isfile(path):
        raise ModelError(f"{path}: no such model file or directory")
    loaders = {".tflite": load_tflite, ".npz": load_npz}
    extension = os.path.splitext(path)[1].lower()
    if extension not in loaders:
        raise ModelError(f"{path}: expected a SavedModel directory, a .tflite or a .npz")
    return loaders[extension](path)


def probabilities(predictor: Predictor, batch: np.ndarray) -> np.ndarray:
    """``predictor`` over ``batch`` [n, 28, 28] in chunks of :data:`BATCH`: [n, 10]."""
    parts = [np.asarray(predictor(batch[i:i + BATCH]), np.float64)
             for i in range(0, len(batch), BATCH)]
    return np.concatenate(parts) if parts else np.zeros((0, 10))


def top_k(probs: np.ndarray, k: int = TOP_K) -> list[dict]:
    """The ``k`` most probable digits of one image's ``probs`` [10], most probable first."""
    order = np.argsort(-probs, kind="stable")[:k]
    return [{"digit": int(d), "probability": float(probs[d])} for d in order]


def predict_files(predictor: Predictor, paths: list[str], *,
                  background: str = "auto") -> list[dict]:
    """One result per image (a ``.npy`` batch gives one per row, with its ``index``).

    A result is ``{"file", "digit", "top3"}`` or, for a file that could not be read,
    ``{"file", "error"}``; results keep the order of ``paths``.
    """
    loaded = []
    for path in paths:
        try:
            loaded.append((path, images_lib.load_file(path, background)))
        except images_lib.ImageError as e:
            loaded.append((path, str(e)))
    arrays = [a for _, a in loaded if not isinstance(a, str)]
    probs = probabilities(predictor, np.concatenate(arrays)) if arrays else None
    results, row = [], 0
    for path, array in loaded:
        if isinstance(array, str):
            results.append({"file": path, "error": array})
            continue
        for i in range(len(array)):
            p = probs[row + i]
            index = {"index": i} if path.lower().endswith(".npy") else {}
            results.append({"file": path, **index, "digit": int(np.argmax(p)),
                            "top3": top_k(p)})
        row += len(array)
    return results


def test_accuracy(predictor: Predictor, split) -> float:
    """The fraction of ``split`` (a :class:`mnist_keras.data.mnist.Split`) predicted right."""
    images = split.images.reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
    return float(np.mean(np.argmax(probabilities(predictor, images), axis=1) == split.labels))


def format_result(result: dict) -> str:
    """One line: ``name: digit  (top 3: 7 0.9812, 1 0.0102, 9 0.0031)`` or the error."""
    name = result["file"] + (f"[{result['index']}]" if "index" in result else "")
    if "error" in result:
        return f"{name}: error: {result['error']}"
    top = ", ".join(f"{t['digit']} {t['probability']:.4f}" for t in result["top3"])
    return f"{name}: {result['digit']}  (top {len(result['top3'])}: {top})"
