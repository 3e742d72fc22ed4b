"""A ``:predict`` request in TensorFlow Serving's REST format, checked, run, answered.

Row format (``instances``): a list of instances, each an input tensor (one named input)
or an object of named input tensors; the answer is ``{"predictions": [...]}``, one
object of named outputs per instance. Columnar format (``inputs``): an input tensor, or
an object of named input tensors; the answer is ``{"outputs": {name: tensor}}``. Every
value is checked against the signature before the model sees it: its dtype (numbers),
its shape (each dimension the signature fixes), finite values, a batch of at least one
and at most the server's limit. Anything else is a :class:`BadRequest` (HTTP 400).
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from mnist_keras.errors import InputError
from mnist_keras.serving.model_store import DEFAULT_SIGNATURE, Servable


class BadRequest(InputError):
    """A request the model cannot answer: HTTP 400, ``{"error": ...}``."""


def signature_of(servable: Servable, payload: dict):
    """The concrete function the request names (``signature_name``), with its inputs."""
    name = payload.get("signature_name") or DEFAULT_SIGNATURE
    if not isinstance(name, str) or name not in servable.signatures:
        raise BadRequest(f"Serving signature name: \"{name}\" not found in signature def")
    function = servable.signatures[name]
    return function, function.structured_input_signature[1]


FLOAT32_MAX = float(np.finfo(np.float32).max)


def _tensor(name: str, value, spec: tf.TensorSpec) -> np.ndarray:
    """A JSON value as an array of ``spec``'s dtype and shape, or a :class:`BadRequest`."""
    try:
        array = np.asarray(value)
    except ValueError:  # ragged lists
        raise BadRequest(f"input {name}: a ragged list, not a tensor") from None
    return checked(name, array, spec)


def checked(name: str, array: np.ndarray, spec: tf.TensorSpec) -> np.ndarray:
    """``array`` as ``spec``'s dtype, once it fits: numbers (not booleans), each
    dimension the signature fixes, finite values a float32 can hold, bytes 0-255 for a
    uint8 input. One check for both APIs (REST's JSON, gRPC's TensorProto)."""
    kind = array.dtype.kind
    if kind == "O" and array.size and isinstance(array.flat[0], (bytes, str)):
        kind = "S"  # a gRPC DT_STRING tensor: NumPy objects holding bytes
    if kind not in "iuf":
        got = {"b": "booleans", "U": "strings", "S": "strings"}.get(kind, "a ragged list")
        raise BadRequest(f"input {name}: expected numbers ({spec.dtype.name}), got {got}")
    want = [d if d is not None else -1 for d in spec.shape.as_list()]
    if array.ndim != len(want) or any(w not in (-1, d) for w, d in zip(want, array.shape)):
        raise BadRequest(f"input {name}: shape {list(array.shape)} does not fit the "
                         f"signature's {want}")
    if kind == "f" and not np.isfinite(array).all():
        raise BadRequest(f"input {name}: NaN or infinite values")
    if spec.dtype == tf.float32 and np.abs(array).max(initial=0) > FLOAT32_MAX:
        raise BadRequest(f"input {name}: values beyond float32's range "
                         f"(largest {FLOAT32_MAX:.7g})")
    if spec.dtype == tf.uint8 and (kind == "f" and (array % 1).any()
                                   or array.min(initial=0) < 0 or array.max(initial=0) > 255):
        raise BadRequest(f"input {name}: expected integers 0-255 (DT_UINT8)")
    return array.astype(spec.dtype.as_numpy_dtype)


def _rows(instances, specs: dict) -> dict:
    """Row format: the list of instances as one batch per named input."""
    if not isinstance(instances, list):
        raise BadRequest("'instances' must be a list of instances")
    if instances and all(isinstance(i, dict) for i in instances):
        missing = [k for k in specs if any(k not in i for i in instances)]
        if missing or any(set(i) - set(specs) for i in instances):
            raise BadRequest(f"each instance must name exactly the inputs {sorted(specs)}")
        return {k: [i[k] for i in instances] for k in specs}
    if len(specs) != 1:
        raise BadRequest(f"the signature has inputs {sorted(specs)}: give each instance "
                         "as an object")
    return {next(iter(specs)): instances}


def _columns(inputs, specs: dict) -> dict:
    """Columnar format: one tensor (one named input) or an object of named tensors."""
    if isinstance(inputs, dict):
        if set(inputs) != set(specs):
            raise BadRequest(f"'inputs' must name exactly the inputs {sorted(specs)}")
        return inputs
    if len(specs) != 1:
        raise BadRequest(f"the signature has inputs {sorted(specs)}: give 'inputs' as an "
                         "object")
    return {next(iter(specs)): inputs}


def parse(payload, specs: dict, max_batch: int) -> tuple[dict, bool]:
    """The request's input arrays, and whether it is in row format."""
    if not isinstance(payload, dict):
        raise BadRequest("the request body must be a JSON object")
    if ("instances" in payload) == ("inputs" in payload):
        raise BadRequest("a request has either 'instances' (row format) or 'inputs' "
                         "(columnar format), not both and not neither")
    rows = "instances" in payload
    values = _rows(payload["instances"], specs) if rows else _columns(payload["inputs"], specs)
    for name, value in values.items():
        if isinstance(value, list) and not value:
            raise BadRequest(f"input {name}: a batch of 0 instances; give 1 to {max_batch}")
    arrays = {k: _tensor(k, v, specs[k]) for k, v in values.items()}
    check_batch(arrays, max_batch)
    return arrays, rows


def check_batch(arrays: dict, max_batch: int) -> None:
    """Every input a batch of 1 to ``max_batch`` instances."""
    for name, array in arrays.items():
        if array.ndim == 0 or not 1 <= len(array) <= max_batch:
            raise BadRequest(f"input {name}: a batch of {0 if array.ndim == 0 else len(array)}"
                             f" instances; give 1 to {max_batch}")


def run(function, arrays: dict) -> dict:
    """The signature's outputs for checked input arrays, as NumPy arrays."""
    return {k: v.numpy() for k, v in function(**{
        k: tf.constant(a) for k, a in arrays.items()}).items()}


def answer(servable: Servable, payload, max_batch: int) -> dict:
    """Runs the request's signature; the response as TF Serving lays it out (NumPy arrays
    for the JSON writer)."""
    function, specs = signature_of(servable, payload if isinstance(payload, dict) else {})
    arrays, rows = parse(payload, specs, max_batch)
    outputs = run(function, arrays)
    if not rows:
        return {"outputs": outputs}
    count = len(next(iter(outputs.values())))
    return {"predictions": [{k: v[i] for k, v in outputs.items()} for i in range(count)]}
