"""Serves exported models over TensorFlow Serving's gRPC and REST APIs, with a page to draw
digits on.

  python -m mnist_keras.serve --model_name=stage8 --model_base_path=saved_models/stage8
  python -m mnist_keras.serve --model=stage8=saved_models/stage8 --model=cnn=saved_models/experts_cnn
  curl -d '{"instances": [[[0.0, ...], ...]]}' localhost:8501/v1/models/stage8:predict

Also installed as ``mnist-keras-serve`` (``pip install ".[serve]"``). Flags are TF
Serving's where it has them (``--port`` for gRPC, ``--rest_api_port``, ``--model_name``,
``--model_base_path``, ``--model_config_file``, ``--file_system_poll_wait_seconds``).
Each model serves its highest version, and a new version folder is loaded without a
restart. gRPC listens on port 8500 (``--port=0``: off), REST on 8501, where the page is
(http://127.0.0.1:8501/). Binds to loopback unless --host says
otherwise; CORS is off unless --allow_origin names an origin.
"""

from __future__ import annotations

from absl import app, flags, logging

from mnist_keras import console
from mnist_keras.errors import InputError

PROGRAM = "mnist_keras.serve"
FLAGS = flags.FLAGS
flags.DEFINE_integer("port", 8500, "Port of the gRPC API (TF Serving's "
                     "PredictionService and ModelService); 0 turns it off.", lower_bound=0,
                     upper_bound=65535)
flags.DEFINE_integer("rest_api_port", 8501, "Port of the REST API.", lower_bound=1,
                     upper_bound=65535)
flags.DEFINE_string("host", "127.0.0.1", "Address to bind (0.0.0.0 for every interface).")
flags.DEFINE_string("model_name", None, "Name of the model (with --model_base_path).")
flags.DEFINE_string("model_base_path", None, "A saved_models/<name> folder of versions.")
flags.DEFINE_multi_string("model", [], "NAME=PATH: one more model to serve (repeatable).")
flags.DEFINE_string("model_config_file", None, "TF Serving's model config (text format).")
flags.DEFINE_float("file_system_poll_wait_seconds", 1.0, "Seconds between looks for new "
                   "versions.", lower_bound=0.1, upper_bound=3600)
flags.DEFINE_integer("max_body_bytes", 8 * 2**20, "A request body (REST) or message "
                     "(gRPC) over this is refused.", lower_bound=1)
flags.DEFINE_integer("max_batch", 1000, "A request of more instances is refused.",
                     lower_bound=1)
flags.DEFINE_bool("enable_serialization_as_tensor_content", False, "gRPC Predict writes "
                  "outputs as raw bytes (tensor_content) rather than TF Serving's default "
                  "typed fields (float_val, int64_val), as TF Serving's flag of that name.")
flags.DEFINE_string("allow_origin", None, "Let this one origin call the API from a page "
                    "(CORS); off by default.")


def main(argv):
    console.no_arguments(PROGRAM, argv)
    console.log_to_file(PROGRAM)
    try:
        from mnist_keras.serving import server_config

        models = server_config.resolve(FLAGS.model_name, FLAGS.model_base_path,
                                       FLAGS.model, FLAGS.model_config_file)
        console.start_tensorflow()
        import uvicorn

        from mnist_keras.serving import model_store, rest

        store = model_store.ModelStore(models)
        store.poll()
        store.start_polling(FLAGS.file_system_poll_wait_seconds)
        application = rest.create_app(store, max_body_bytes=FLAGS.max_body_bytes,
                                      max_batch=FLAGS.max_batch,
                                      allow_origin=FLAGS.allow_origin)
        grpc_server = _start_grpc(store)
    except InputError as e:
        raise console.fail(PROGRAM, e) from None
    except ImportError as e:
        raise console.fail(PROGRAM, f"{e.name} is missing: pip install \".[serve]\"") from None
    for name, path in models.items():
        logging.info("serving %s from %s", name, path)
    grpc_line = f" and gRPC {FLAGS.host}:{FLAGS.port}" if grpc_server else ""
    print(f"Serving {', '.join(models)} on http://{FLAGS.host}:{FLAGS.rest_api_port}/"
          f"{grpc_line}", flush=True)
    uvicorn.run(application, host=FLAGS.host, port=FLAGS.rest_api_port,
                log_level="warning")
    if grpc_server:
        grpc_server.stop(grace=None)
    store.stop()


def _start_grpc(store):
    """TF Serving's gRPC API on --port, or None with --port=0."""
    if FLAGS.port == 0:
        return None
    from mnist_keras.serving import grpc_api

    return grpc_api.start(store, FLAGS.host, FLAGS.port, max_batch=FLAGS.max_batch,
                          max_message_bytes=FLAGS.max_body_bytes,
                          tensor_content=FLAGS.enable_serialization_as_tensor_content)


def cli():
    """The ``mnist-keras-serve`` console script."""
    app.run(main, flags_parser=console.flags_parser(PROGRAM))


if __name__ == "__main__":
    cli()
