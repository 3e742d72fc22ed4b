"""A client in the form of TF Serving's MNIST tutorial client (``mnist_client.py``).

  python benchmarks/mnist_client.py --server=127.0.0.1:8500 --model=stage8 --num_tests=1000

As that client does: a ``PredictRequest`` naming the model and the tutorial's signature
``predict_images``, one test image a request as ``inputs['images']`` from
``tf.make_tensor_proto(image, shape=[1, 784])``, sent with ``Predict.future`` and a
5-second deadline, at most ``--concurrency`` requests in flight; each answer's
``outputs['scores'].float_val`` is read and its argmax compared with the label. An RPC
error counts as an error. Prints ``Inference error rate: N%``.
"""

from __future__ import annotations

import argparse
import sys
import threading

import numpy as np


class _Results:
    """Errors and answers so far, with at most ``concurrency`` requests in flight."""

    def __init__(self, num_tests: int, concurrency: int):
        self.num_tests, self.concurrency = num_tests, concurrency
        self.errors = self.done = self.active = 0
        self.condition = threading.Condition()

    def throttle(self) -> None:
        with self.condition:
            while self.active == self.concurrency:
                self.condition.wait()
            self.active += 1

    def finish(self, error: bool) -> None:
        with self.condition:
            self.errors += error
            self.done += 1
            self.active -= 1
            self.condition.notify_all()

    def error_rate(self) -> float:
        with self.condition:
            while self.done != self.num_tests:
                self.condition.wait()
            return self.errors / self.num_tests


def error_rate(server: str, model: str, images: np.ndarray, labels: np.ndarray,
               concurrency: int = 4, deadline_s: float = 5.0) -> float:
    """The share of ``images`` [n, 784] the served model gets wrong, asked one at a time."""
    import grpc
    import tensorflow as tf
    from tensorflow_serving.apis import predict_pb2, prediction_service_pb2_grpc

    stub = prediction_service_pb2_grpc.PredictionServiceStub(grpc.insecure_channel(server))
    results = _Results(len(images), concurrency)

    def done(future, label):
        try:
            scores = np.array(future.result().outputs["scores"].float_val)
            results.finish(bool(np.argmax(scores) != label))
        except grpc.RpcError as e:
            print(e, file=sys.stderr)
            results.finish(True)

    for image, label in zip(images, labels):
        request = predict_pb2.PredictRequest()
        request.model_spec.name = model
        request.model_spec.signature_name = "predict_images"
        request.inputs["images"].CopyFrom(tf.make_tensor_proto(image, shape=[1, image.size]))
        results.throttle()
        future = stub.Predict.future(request, deadline_s)
        future.add_done_callback(lambda f, label=label: done(f, label))
    return results.error_rate()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", default="127.0.0.1:8500")
    parser.add_argument("--model", default="stage8")
    parser.add_argument("--num_tests", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args(argv)
    from mnist_keras.data import mnist

    test = mnist.load().test.take(args.num_tests)
    rate = error_rate(args.server, args.model, test.images, test.labels, args.concurrency)
    print(f"\nInference error rate: {rate * 100}%")


if __name__ == "__main__":
    main(sys.argv[1:])
