"""TensorFlow Serving's gRPC API over the same models as the REST API.

- ``tensorflow.serving.PredictionService``: ``Predict`` (inputs as ``TensorProto``s, the
  signature's outputs back, ``output_filter`` honoured) and ``GetModelMetadata``
  (``signature_def``);
- ``tensorflow.serving.ModelService``: ``GetModelStatus``.

The messages are the ``tensorflow-serving-api`` package's, so a client written for TF
Serving (``predict_pb2.PredictRequest``, ``PredictionServiceStub``) works unchanged.
Versions and signature names resolve as in REST, the inputs go through the same check
(``predict_request.checked``), and errors carry TF Serving's status codes and messages:
``INVALID_ARGUMENT`` for a bad request (an unknown signature among them),
``NOT_FOUND`` for an unknown model or version.
"""

from __future__ import annotations

import contextlib
from concurrent import futures

import grpc
import tensorflow as tf
from tensorflow_serving.apis import (get_model_metadata_pb2, get_model_status_pb2,
                                     model_service_pb2_grpc, predict_pb2,
                                     prediction_service_pb2_grpc)

from mnist_keras.serving import predict_request
from mnist_keras.serving.model_store import ModelStore, NotFound, Servable
from mnist_keras.serving.predict_request import BadRequest

METADATA_FIELD = "signature_def"  # the one metadata field TF Serving knows


@contextlib.contextmanager
def _status_codes(context: grpc.ServicerContext):
    """A bad request or an unknown servable, answered with TF Serving's status code."""
    try:
        yield
    except NotFound as e:
        context.abort(grpc.StatusCode.NOT_FOUND, str(e))
    except BadRequest as e:
        context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e))


def _servable(store: ModelStore, spec) -> Servable:
    """The ``ModelSpec``'s model at its version (a given one, or the latest)."""
    if spec.WhichOneof("version_choice") == "version_label":
        raise BadRequest("version labels are not served; give a version number or none")
    version = spec.version.value if spec.HasField("version") else None
    return store.get(spec.name, version)


def _spec(response_spec, servable: Servable, signature_name: str = "") -> None:
    response_spec.name = servable.name
    response_spec.version.value = servable.version
    response_spec.signature_name = signature_name


class PredictionService(prediction_service_pb2_grpc.PredictionServiceServicer):
    """``Predict`` and ``GetModelMetadata``."""

    def __init__(self, store: ModelStore, max_batch: int):
        self.store, self.max_batch = store, max_batch

    def Predict(self, request, context):  # noqa: N802 - the service's method name
        with _status_codes(context):
            servable = _servable(self.store, request.model_spec)
            name = request.model_spec.signature_name or predict_request.DEFAULT_SIGNATURE
            function, specs = predict_request.signature_of(servable,
                                                           {"signature_name": name})
            if set(request.inputs) != set(specs):
                raise BadRequest(f"the request's inputs {sorted(request.inputs)} are not the "
                                 f"signature's {sorted(specs)}")
            arrays = {k: predict_request.checked(k, tf.make_ndarray(request.inputs[k]),
                                                 specs[k]) for k in specs}
            predict_request.check_batch(arrays, self.max_batch)
            wanted = list(request.output_filter)
            outputs = predict_request.run(function, arrays)
            unknown = sorted(set(wanted) - set(outputs))
            if unknown:
                raise BadRequest(f"output_filter names no output of the signature: {unknown}")
        response = predict_pb2.PredictResponse()
        _spec(response.model_spec, servable, name)
        for key in wanted or outputs:
            response.outputs[key].CopyFrom(tf.make_tensor_proto(outputs[key]))
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
          threads: int = 8) -> grpc.Server:
    """The gRPC server on ``host:port``, started (``stop`` ends it)."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=threads), options=[
        ("grpc.max_receive_message_length", max_message_bytes),
        ("grpc.max_send_message_length", max_message_bytes)])
    prediction_service_pb2_grpc.add_PredictionServiceServicer_to_server(
        PredictionService(store, max_batch), server)
    model_service_pb2_grpc.add_ModelServiceServicer_to_server(ModelService(store), server)
    if server.add_insecure_port(f"{host}:{port}") == 0:
        raise BadRequest(f"cannot listen on {host}:{port} for gRPC")
    server.start()
    return server
