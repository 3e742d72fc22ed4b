"""The REST server speaks TensorFlow Serving's API: status, metadata, predict in both
formats and every signature, TF Serving's errors, and a new version without a restart."""

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import numpy as np
import pytest
import tensorflow as tf

from conftest import REPO, clean_env
from mnist_keras.serving import exporter

MAX_BATCH, MAX_BODY = 50, 400_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(url: str, body=None, method=None, headers=None):
    """(HTTP status, JSON answer, response headers) of one request."""
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={
        "content-type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read()), dict(e.headers)


def start_server(args: list[str], timeout: float = 120):
    """A server process and its base URL, once it answers (gRPC off unless ``args`` give
    a ``--port``)."""
    port = free_port()
    if not any(a.startswith("--port=") for a in args):
        args = ["--port=0", *args]
    proc = subprocess.Popen([sys.executable, "-m", "mnist_keras.serve",
                             f"--rest_api_port={port}", *args], cwd=REPO, env=clean_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(proc.stderr.read()[-3000:])
        try:
            urllib.request.urlopen(url + "/v1/models", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("the server did not answer")


@pytest.fixture(scope="module")
def exported(stage5_run, tmp_path_factory):
    """(export root, run directory): a copy of the shared stage-5 export, as version 1,
    which a test here may add versions to."""
    root = tmp_path_factory.mktemp("saved_models")
    shutil.copytree(stage5_run["export_root"], root, dirs_exist_ok=True)
    return root, stage5_run["run_dir"]


@pytest.fixture(scope="module")
def grpc_port():
    return free_port()


@pytest.fixture(scope="module")
def server_process(exported, grpc_port):
    """(the server process, its base URL): the copy's model as ``digits``, answering on
    REST and on gRPC (``grpc_port``)."""
    root, _ = exported
    proc, url = start_server([f"--model=digits={root / 'stage5'}", f"--port={grpc_port}",
                              "--file_system_poll_wait_seconds=0.2",
                              f"--max_batch={MAX_BATCH}", f"--max_body_bytes={MAX_BODY}",
                              "--allow_origin=http://allowed.example"])
    yield proc, url
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def server(server_process):
    return server_process[1]


@pytest.fixture(scope="module")
def local(exported, small):
    """The same version loaded here: (images [8, 28, 28], its signatures)."""
    root, _ = exported
    loaded = tf.saved_model.load(str(root / "stage5" / "1"))
    return small.test.images[:8].reshape(-1, 28, 28), loaded


def test_status_and_metadata_are_tf_servings(server):
    status, body, _ = call(server + "/v1/models/digits")
    assert status == 200 and body == {"model_version_status": [{
        "version": "1", "state": "AVAILABLE",
        "status": {"error_code": "OK", "error_message": ""}}]}
    assert call(server + "/v1/models/digits/versions/1")[1] == body
    status, meta, _ = call(server + "/v1/models/digits/metadata")
    assert status == 200 and meta["model_spec"] == {"name": "digits", "signature_name": "",
                                                    "version": "1"}
    defs = meta["metadata"]["signature_def"]["signature_def"]
    assert set(defs) == {"serving_default", "serving_flat", "serving_uint8", "predict_images"}
    images = defs["serving_default"]["inputs"]["images"]
    assert images["dtype"] == "DT_FLOAT"
    assert [d["size"] for d in images["tensor_shape"]["dim"]] == ["-1", "28", "28"]
    assert defs["serving_uint8"]["inputs"]["images"]["dtype"] == "DT_UINT8"
    assert set(defs["serving_flat"]["outputs"]) == {"probabilities", "classes"}
    assert defs["serving_flat"]["method_name"] == "tensorflow/serving/predict"


def _inputs(images):
    return {"serving_default": ("images", images),
            "serving_flat": ("pixels", images.reshape(-1, 784)),
            "serving_uint8": ("images", np.round(images * 255).astype(np.uint8))}


@pytest.mark.parametrize("signature", ["serving_default", "serving_flat", "serving_uint8"])
def test_predict_in_both_formats_gives_the_models_probabilities(server, local, signature):
    images, loaded = local
    name, batch = _inputs(images)[signature]
    want = loaded.signatures[signature](**{name: tf.constant(batch)})
    url = server + "/v1/models/digits:predict"
    status, rows, _ = call(url, {"signature_name": signature, "instances": batch.tolist()})
    assert status == 200 and len(rows["predictions"]) == 8
    np.testing.assert_allclose([r["probabilities"] for r in rows["predictions"]],
                               want["probabilities"].numpy(), atol=1e-5)
    assert [r["classes"] for r in rows["predictions"]] == want["classes"].numpy().tolist()
    status, columns, _ = call(url, {"signature_name": signature, "inputs": {name: batch.tolist()}})
    assert status == 200
    np.testing.assert_allclose(columns["outputs"]["probabilities"],
                               want["probabilities"].numpy(), atol=1e-5)
    objects = call(url, {"signature_name": signature,
                         "instances": [{name: x.tolist()} for x in batch]})[1]
    assert objects == rows


def test_a_version_can_be_named(server, local):
    images, _ = local
    good = call(server + "/v1/models/digits/versions/1:predict",
                {"instances": images[:1].tolist()})
    assert good[0] == 200 and len(good[1]["predictions"]) == 1


BAD = [
    ("malformed JSON", "/v1/models/digits:predict", b"{not json", 400, "JSON Parse error"),
    ("both formats", "/v1/models/digits:predict", {"instances": [[0]], "inputs": [[0]]}, 400,
     "either 'instances' (row format) or 'inputs' (columnar format)"),
    ("neither format", "/v1/models/digits:predict", {"signature_name": "serving_default"},
     400, "either 'instances'"),
    ("a wrong shape", "/v1/models/digits:predict", {"instances": np.zeros((2, 14, 28)).tolist()},
     400, "input images: shape [2, 14, 28] does not fit the signature's [-1, 28, 28]"),
    ("strings", "/v1/models/digits:predict", {"instances": [[["a"] * 28] * 28]}, 400,
     "input images: expected numbers (float32), got strings"),
    ("NaN", "/v1/models/digits:predict",  # TF Serving's JSON has NaN tokens, as Python's
     json.dumps({"instances": [[[float("nan")] + [0.0] * 27] + [[0.0] * 28] * 27]}).encode(),
     400, "input images: NaN or infinite values"),
    ("an empty list", "/v1/models/digits:predict", {"instances": []}, 400,
     "a batch of 0 instances; give 1 to 50"),
    ("too many instances", "/v1/models/digits:predict",
     {"instances": np.zeros((MAX_BATCH + 1, 28, 28)).tolist()}, 400,
     "a batch of 51 instances; give 1 to 50"),
    ("a uint8 out of range", "/v1/models/digits:predict",
     {"signature_name": "serving_uint8", "instances": np.full((1, 28, 28), 300).tolist()},
     400, "expected integers 0-255"),
    ("an unknown model", "/v1/models/nope:predict", {"instances": [[0]]}, 404,
     "Servable not found for request: Latest(nope)"),
    ("an unknown version", "/v1/models/digits/versions/7:predict", {"instances": [[0]]}, 404,
     "Servable not found for request: Specific(digits, 7)"),
    ("an unknown signature", "/v1/models/digits:predict",
     {"signature_name": "nope", "instances": [[0]]}, 400,
     'Serving signature name: "nope" not found in signature def'),
    ("a body over the limit", "/v1/models/digits:predict", b"{" + b" " * MAX_BODY + b"}", 400,
     f"the request body is over the server's limit of {MAX_BODY} bytes"),
    ("a GET on :predict", "/v1/models/digits:predict", None, 400, "use POST for :predict"),
    ("an unknown route", "/v2/anything", None, 404, "Not Found"),
    ("booleans", "/v1/models/digits:predict", {"instances": [[[True] * 28] * 28]}, 400,
     "input images: expected numbers (float32), got booleans"),
    ("a number beyond float32", "/v1/models/digits:predict",
     {"instances": [[[1e308] + [0.0] * 27] + [[0.0] * 28] * 27]}, 400,
     "input images: values beyond float32's range"),
]


@pytest.mark.parametrize("what, path, body, status, message", BAD, ids=[b[0] for b in BAD])
def test_a_bad_request_gets_tf_servings_error_and_the_server_goes_on(server, local, what,
                                                                     path, body, status,
                                                                     message):
    code, answer, _ = call(server + path, body)
    assert code == status and set(answer) == {"error"} and message in answer["error"], answer
    images, _ = local
    assert call(server + "/v1/models/digits:predict",
                {"instances": images[:1].tolist()})[0] == 200


def test_cors_lets_in_the_one_origin_it_was_given(server):
    _, _, allowed = call(server + "/v1/models/digits", headers={
        "origin": "http://allowed.example"})
    _, _, other = call(server + "/v1/models/digits", headers={"origin": "http://evil.example"})
    assert allowed.get("access-control-allow-origin") == "http://allowed.example"
    assert "access-control-allow-origin" not in other


def test_a_new_version_is_served_without_a_restart(server, exported, local):
    root, run = exported
    exporter.export_run(run, export_root=str(root))  # version 2 appears
    deadline = time.monotonic() + 60
    while call(server + "/v1/models/digits")[1]["model_version_status"][0]["version"] != "2":
        assert time.monotonic() < deadline, "version 2 was not picked up"
        time.sleep(0.2)
    images, _ = local
    assert call(server + "/v1/models/digits/versions/2:predict",
                {"instances": images[:1].tolist()})[0] == 200
    assert call(server + "/v1/models/digits/versions/1:predict",
                {"instances": images[:1].tolist()})[0] == 404  # as TF Serving: latest only


def test_the_server_binds_to_loopback_by_default(server_process, grpc_port):
    proc, url = server_process  # started without --host
    assert call(url + "/v1/models")[1] == {"models": ["digits"]}
    assert proc.stdout.readline().strip() == (
        f"Serving digits on http://127.0.0.1:{url.rsplit(':', 1)[1]}/ and gRPC "
        f"127.0.0.1:{grpc_port}")


def test_cors_is_off_without_its_flag():
    from starlette.middleware.cors import CORSMiddleware

    from mnist_keras.serving import model_store, rest

    def middleware(**kwargs):
        app = rest.create_app(model_store.ModelStore({}), max_body_bytes=MAX_BODY,
                              max_batch=MAX_BATCH, **kwargs)
        return [m.cls for m in app.user_middleware]

    assert middleware() == []
    assert middleware(allow_origin="http://allowed.example") == [CORSMiddleware]


# -- gRPC: a client written as TensorFlow Serving's MNIST example client is -------------

def _stub(grpc_port, service="prediction"):
    import grpc
    from tensorflow_serving.apis import model_service_pb2_grpc, prediction_service_pb2_grpc

    channel = grpc.insecure_channel(f"127.0.0.1:{grpc_port}")
    if service == "model":
        return model_service_pb2_grpc.ModelServiceStub(channel)
    return prediction_service_pb2_grpc.PredictionServiceStub(channel)


def _request(inputs: dict, signature="serving_default", model="digits", version=None,
             output_filter=()):
    from tensorflow_serving.apis import predict_pb2

    request = predict_pb2.PredictRequest()
    request.model_spec.name = model
    request.model_spec.signature_name = signature
    request.output_filter.extend(output_filter)
    if version is not None:
        request.model_spec.version.value = version
    for name, value in inputs.items():
        request.inputs[name].CopyFrom(tf.make_tensor_proto(value))
    return request


def _served(url) -> int:
    """The version REST says it serves (a test here adds version 2)."""
    return int(call(url + "/v1/models/digits")[1]["model_version_status"][0]["version"])


@pytest.mark.parametrize("signature", ["serving_default", "serving_flat", "serving_uint8"])
def test_a_tf_serving_client_predicts_over_grpc(server, grpc_port, local, signature):
    images, loaded = local
    name, batch = _inputs(images)[signature]
    want = loaded.signatures[signature](**{name: tf.constant(batch)})
    result = _stub(grpc_port).Predict(_request({name: batch}, signature), 10.0)
    assert (result.model_spec.name, result.model_spec.version.value,
            result.model_spec.signature_name) == ("digits", _served(server), signature)
    np.testing.assert_allclose(tf.make_ndarray(result.outputs["probabilities"]),
                               want["probabilities"].numpy(), rtol=0, atol=1e-6)
    np.testing.assert_array_equal(tf.make_ndarray(result.outputs["classes"]),
                                  want["classes"].numpy())


GRPC_BAD = [
    ("a wrong shape", {"images": np.zeros((2, 14, 28), np.float32)}, {}, "INVALID_ARGUMENT",
     "input images: shape [2, 14, 28] does not fit the signature's [-1, 28, 28]"),
    ("strings", {"images": np.full((1, 28, 28), b"a")}, {}, "INVALID_ARGUMENT",
     "Expects arg[0] to be float32 but string is provided"),
    ("booleans", {"images": np.ones((1, 28, 28), bool)}, {}, "INVALID_ARGUMENT",
     "Expects arg[0] to be float32 but bool is provided"),
    ("doubles", {"images": np.full((1, 28, 28), 1e308)}, {}, "INVALID_ARGUMENT",
     "Expects arg[0] to be float32 but float64 is provided"),
    ("NaN", {"images": np.full((1, 28, 28), np.nan, np.float32)}, {}, "INVALID_ARGUMENT",
     "input images: NaN or infinite values"),
    ("an empty batch", {"images": np.zeros((0, 28, 28), np.float32)}, {}, "INVALID_ARGUMENT",
     "a batch of 0 instances; give 1 to 50"),
    ("too many instances", {"images": np.zeros((MAX_BATCH + 1, 28, 28), np.float32)}, {},
     "INVALID_ARGUMENT", "a batch of 51 instances; give 1 to 50"),
    ("a uint8 out of range", {"images": np.full((1, 28, 28), 300, np.uint16)},
     {"signature": "serving_uint8"}, "INVALID_ARGUMENT",
     "Expects arg[0] to be uint8 but uint16 is provided"),
    ("another input's name", {"pixels": np.zeros((1, 28, 28), np.float32)}, {},
     "INVALID_ARGUMENT", "Signature input alias: images(feed name: serving_default_images:0)"
     " not found in request and no default value provided. Inputs expected to be in the "
     "request {pixels}, or default input alias set: "),
    ("an extra input", {"images": np.zeros((1, 28, 28), np.float32),
                        "extra": np.zeros(1, np.float32)}, {}, "INVALID_ARGUMENT",
     "input size does not match signature: 2!=1 len({extra,images}) != len({images}). "
     "Sent extra: {extra}. Missing but required: {}."),
    ("an unknown output", {"images": np.zeros((1, 28, 28), np.float32)},
     {"output_filter": ["nope"]}, "INVALID_ARGUMENT",
     "output tensor alias not found in signature: nope Outputs expected to be in the set "
     "{classes,probabilities}."),
    ("an unknown model", {"images": np.zeros((1, 28, 28), np.float32)}, {"model": "nope"},
     "NOT_FOUND", "Servable not found for request: Latest(nope)"),
    ("an unknown version", {"images": np.zeros((1, 28, 28), np.float32)}, {"version": 7},
     "NOT_FOUND", "Servable not found for request: Specific(digits, 7)"),
    ("an unknown signature", {"images": np.zeros((1, 28, 28), np.float32)},
     {"signature": "nope"}, "FAILED_PRECONDITION", 'Serving signature key "nope" not found.'),
]


@pytest.mark.parametrize("what, inputs, spec, code, message", GRPC_BAD,
                         ids=[b[0] for b in GRPC_BAD])
def test_a_bad_grpc_request_gets_tf_servings_status_and_the_server_goes_on(
        server, grpc_port, local, what, inputs, spec, code, message):
    import grpc

    stub = _stub(grpc_port)
    with pytest.raises(grpc.RpcError) as error:
        stub.Predict(_request(inputs, **spec), 10.0)
    assert error.value.code().name == code and message in error.value.details(), (
        error.value.code(), error.value.details())
    images, _ = local
    assert stub.Predict(_request({"images": images[:1]}), 10.0).outputs["classes"]


def test_tf_servings_mnist_client_gets_the_exports_error_rate(server, grpc_port, exported,
                                                                small):
    # TF Serving's tutorial client in form (benchmarks/mnist_client.py): the
    # predict_images signature, Predict.future with a deadline, 4 in flight, float_val.
    sys.path.insert(0, str(REPO / "benchmarks"))
    import mnist_client

    test = small.test.take(1000)
    served = mnist_client.error_rate(f"127.0.0.1:{grpc_port}", "digits", test.images,
                                     test.labels, concurrency=4)
    root, _ = exported
    scores = tf.saved_model.load(str(root / "stage5" / "1")).signatures["predict_images"](
        images=tf.constant(test.images))["scores"].numpy()
    assert served == np.mean(np.argmax(scores, axis=1) != test.labels)
    assert 0 < served < 0.2  # stage 5 after one epoch


def test_grpc_metadata_and_status_are_tf_servings(server, grpc_port):
    from tensorflow_serving.apis import (get_model_metadata_pb2, get_model_status_pb2,
                                         model_pb2)

    request = get_model_metadata_pb2.GetModelMetadataRequest(
        model_spec=model_pb2.ModelSpec(name="digits"), metadata_field=["signature_def"])
    response = _stub(grpc_port).GetModelMetadata(request, 10.0)
    defs = get_model_metadata_pb2.SignatureDefMap()
    response.metadata["signature_def"].Unpack(defs)
    assert set(defs.signature_def) == {"serving_default", "serving_flat", "serving_uint8",
                                       "predict_images"}
    images = defs.signature_def["serving_default"].inputs["images"]
    assert images.dtype == tf.float32.as_datatype_enum
    assert [d.size for d in images.tensor_shape.dim] == [-1, 28, 28]
    status = _stub(grpc_port, "model").GetModelStatus(
        get_model_status_pb2.GetModelStatusRequest(model_spec=model_pb2.ModelSpec(
            name="digits")), 10.0)
    [version] = status.model_version_status
    assert version.version == _served(server)
    assert version.state == get_model_status_pb2.ModelVersionStatus.AVAILABLE


def test_the_ladders_config_serves_the_rungs_the_readme_exports():
    from mnist_keras import registry
    from mnist_keras.serving import server_config

    models = server_config.parse_config_file(str(REPO / "docs" / "ladder.config"))
    rungs = ["0", "2", "5", "8", "9", "12"]  # the README's export loop
    assert list(models) == [registry.get(s).NAME for s in rungs]  # in ladder order
    assert all(path == f"saved_models/{name}" for name, path in models.items())
    assert "for stage in 0 2 5 8 9 12; do" in (REPO / "docs" / "ladder.config").read_text()
    assert "for stage in 0 2 5 8 9 12; do" in (REPO / "README.md").read_text()
