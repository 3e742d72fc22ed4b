"""TensorFlow Serving's gRPC API over the same models as the REST API.

- ``tensorflow.serving.PredictionService``: ``Predict`` (inputs as ``TensorProto``s, the
  signature's outputs back, ``output_filter`` honoured) and ``GetModelMetadata``
  (``signature_def``);
- ``tensorflow.serving.ModelService``: ``GetModelStatus``.

The messages are the ``tensorflow-serving-api`` package's, so a client written for TF
Serving (``predict_pb2.PredictRequest``, ``PredictionServiceStub``) works unchanged, TF
Serving's own ``mnist_client.py`` among them. As TF Serving's ``Predict`` does by
default (``Tensor::AsProtoField``), each output comes back in the typed field of its
dtype (``float_val``, ``int64_val``), which that client reads; with
``tensor_content=True`` (TF Serving's ``--enable_serialization_as_tensor_content``) as
raw bytes instead. Versions resolve as in REST and the inputs go through the same check
(``predict_request.checked``). Errors carry current TF Serving's status codes and
messages (``tensorflow_serving/servables/tensorflow/predict_util.cc``):
``FAILED_PRECONDITION`` for an unknown signature, ``INVALID_ARGUMENT`` for inputs that
are not the signature's (their names, or their dtype) or an unknown ``output_filter``,
``NOT_FOUND`` for an unknown model or version.
"""

from __future__ import annotations

import contextlib
from concurrent import futures

import grpc
import numpy as np
import tensorflow as tf
from tensorflow.core.framework import tensor_pb2
from tensorflow_serving.apis import (get_model_metadata_pb2, get_model_status_pb2,
                                     model_service_pb2_grpc, predict_pb2,
                                     prediction_service_pb2_grpc)

from mnist_keras.serving import predict_request
from mnist_keras.serving.model_store import ModelStore, NotFound, Servable
from mnist_keras.serving.predict_request import BadRequest

METADATA_FIELD = "signature_def"  # the one metadata field TF Serving knows
TYPED_FIELDS = {np.dtype(np.float32): "float_val", np.dtype(np.int64): "int64_val"}


class FailedPrecondition(BadRequest):
    """TF Serving's FAILED_PRECONDITION: the request names what the model does not have."""


def as_proto_field(array: np.ndarray) -> tensor_pb2.TensorProto:
    """``array`` as TF Serving's default writes an output (``Tensor::AsProtoField``):
    dtype, shape, and every value in the typed field of its dtype."""
    proto = tensor_pb2.TensorProto(dtype=tf.as_dtype(array.dtype).as_datatype_enum,
                                   tensor_shape=tf.TensorShape(array.shape).as_proto())
    getattr(proto, TYPED_FIELDS[array.dtype]).extend(array.ravel().tolist())
    return proto


def _inputs_match(request, servable: Servable, name: str, specs: dict) -> None:
    """The request's input names are the signature's, as TF Serving checks them."""
    sent, wanted = set(request.inputs), set(specs)
    if len(sent) != len(wanted):
        raise BadRequest(
            f"input size does not match signature: {len(sent)}!={len(wanted)} "
            f"len({{{','.join(sorted(sent))}}}) != len({{{','.join(sorted(wanted))}}}). "
            f"Sent extra: {{{','.join(sorted(sent - wanted))}}}. Missing but required: "
            f"{{{','.join(sorted(wanted - sent))}}}.")
    for alias in sorted(wanted - sent):
        feed = servable.signature_defs[name].inputs[alias].name
        raise BadRequest(f"Signature input alias: {alias}(feed name: {feed}) not found in "
                         f"request and no default value provided. Inputs expected to be "
                         f"in the request {{{','.join(sorted(sent))}}}, or default input "
                         "alias set: ")


def _typed(request, specs: dict) -> dict:
    """The request's inputs as arrays, each of its signature's dtype (TF Serving runs no
    cast: another dtype is refused, in TensorFlow's words)."""
    arrays = {}
    for position, key in enumerate(specs):
        sent = tf.as_dtype(request.inputs[key].dtype)
        if sent != specs[key].dtype:
            raise BadRequest(f"Expects arg[{position}] to be {specs[key].dtype.name} but "
                             f"{sent.name} is provided")
        arrays[key] = predict_request.checked(key, tf.make_ndarray(request.inputs[key]),
                                              specs[key])
    return arrays


@contextlib.contextmanager
def _status_codes(context: grpc.ServicerContext):
    """A bad request or an unknown servable, answered with TF Serving's status code."""
    try:
        yield
    except NotFound as e:
        context.abort(grpc.StatusCode.NOT_FOUND, str(e))
    except FailedPrecondition as e:
        context.abort(grpc.StatusCode.FAILED_PRECONDITION, str(e))
    except BadRequest as e:
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e))


def _servable(store: ModelStore, spec) -> Servable:
    """The ``ModelSpec``'s model at its version (a given one, or the latest)."""
    if spec.WhichOneof("version_choice") == "version_label":
        raise BadRequest("ModelSpec has 'version_label' set, but it is not currently allowed "
                         "by the server.")
    version = spec.version.value if spec.HasField("version") else None
    return store.get(spec.name, version)


def _spec(response_spec, servable: Servable, signature_name: str = "") -> None:
    response_spec.name = servable.name
    response_spec.version.value = servable.version
    response_spec.signature_name = signature_name


class PredictionService(prediction_service_pb2_grpc.PredictionServiceServicer):
    """``Predict`` and ``GetModelMetadata``."""

    def __init__(self, store: ModelStore, max_batch: int, tensor_content: bool = False):
        self.store, self.max_batch = store, max_batch
        self.encode = tf.make_tensor_proto if tensor_content else as_proto_field

    def Predict(self, request, context):  # noqa: N802 - the service's method name
        with _status_codes(context):
            servable = _servable(self.store, request.model_spec)
            name = request.model_spec.signature_name or predict_request.DEFAULT_SIGNATURE
            if name not in servable.signatures:
                raise FailedPrecondition(f'Serving signature key "{name}" not found.')
            function, specs = predict_request.signature_of(servable,
                                                           {"signature_name": name})
            _inputs_match(request, servable, name, specs)
            arrays = _typed(request, specs)
            predict_request.check_batch(arrays, self.max_batch)
            outputs = predict_request.run(function, arrays)
            wanted = _output_filter(request, outputs)
        response = predict_pb2.PredictResponse()
        _spec(response.model_spec, servable, name)
        for key in wanted:
            response.outputs[key].CopyFrom(self.encode(outputs[key]))
        return response

    def GetModelMetadata(self, request, context):  # noqa: N802
        with _status_codes(context):
            if list(request.metadata_field) != [METADATA_FIELD]:
                raise BadRequest(f"metadata_field must be ['{METADATA_FIELD}'], not "
                                 f"{list(request.metadata_field)}")
            servable = _servable(self.store, request.model_spec)
        signature_defs = get_model_metadata_pb2.SignatureDefMap()
        for name, signature_def in servable.signature_defs.items():
            signature_defs.signature_def[name].CopyFrom(signature_def)
        response = get_model_metadata_pb2.GetModelMetadataResponse()
        _spec(response.model_spec, servable)
        response.metadata[METADATA_FIELD].Pack(signature_defs)
        return response


def _output_filter(request, outputs: dict) -> list[str]:
    """The outputs the request asks for (all without a filter), as TF Serving checks them."""
    wanted = list(request.output_filter)
    for i, alias in enumerate(wanted):
        if alias not in outputs:
            raise BadRequest(f"output tensor alias not found in signature: {alias} Outputs "
                             f"expected to be in the set {{{','.join(sorted(outputs))}}}.")
        if alias in wanted[:i]:
            raise BadRequest(f"duplicate output tensor alias: {alias}")
    return wanted or list(outputs)


class ModelService(model_service_pb2_grpc.ModelServiceServicer):
    """``GetModelStatus``: the served version, AVAILABLE."""

    def __init__(self, store: ModelStore):
        self.store = store

    def GetModelStatus(self, request, context):  # noqa: N802
        with _status_codes(context):
            servable = _servable(self.store, request.model_spec)
        response = get_model_status_pb2.GetModelStatusResponse()
        status = response.model_version_status.add()
        status.version = servable.version
        status.state = get_model_status_pb2.ModelVersionStatus.AVAILABLE
        return response


def start(store: ModelStore, host: str, port: int, max_batch: int, max_message_bytes: int,
          threads: int = 8, tensor_content: bool = False) -> grpc.Server:
    """The gRPC server on ``host:port``, started (``stop`` ends it).

    Args:
      tensor_content: outputs as raw bytes (``tensor_content``), not typed fields.
    """
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=threads), options=[
        ("grpc.max_receive_message_length", max_message_bytes),
        ("grpc.max_send_message_length", max_message_bytes)])
    prediction_service_pb2_grpc.add_PredictionServiceServicer_to_server(
        PredictionService(store, max_batch, tensor_content), server)
    model_service_pb2_grpc.add_ModelServiceServicer_to_server(ModelService(store), server)
    if server.add_insecure_port(f"{host}:{port}") == 0:
        raise BadRequest(f"cannot listen on {host}:{port} for gRPC")
    server.start()
    return server
