"""Load on the server's REST and gRPC APIs, beside the model called in process. Not a test.

  python benchmarks/serve_load.py --model_base_path=saved_models/stage8 --json results/serve-load.json

Starts ``python -m mnist_keras.serve`` on free ports, then for each API (REST, gRPC), each
payload (one image, a batch of 100) and each number of ``--clients`` (1, then 8) runs
that many threads that send ``:predict`` / ``Predict`` back to back for ``--seconds``
(each client keeps its connection, as a real one does), and reports requests and
images per second, p50/p99 latency and the errors (which must be 0). The 8-client runs
also read the server's resident memory after ``--warmup`` seconds and at their end.
Afterwards, with the server gone, the same SavedModel signature called in this process
on the same payloads gives what the model itself costs: each API's figures are ratios
to it, measured on one machine in one run.
"""

from __future__ import annotations

import argparse
import http.client
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

import numpy as np


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(base_path: str, extra: tuple = ()) -> tuple[subprocess.Popen, int, int]:
    """The server, once it answers: (process, REST port, gRPC port)."""
    rest, grpc_port = free_port(), free_port()
    proc = subprocess.Popen([sys.executable, "-m", "mnist_keras.serve", "--model_name=m",
                             f"--model_base_path={base_path}", f"--rest_api_port={rest}",
                             f"--port={grpc_port}", *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{rest}/v1/models/m", timeout=1)
            return proc, rest, grpc_port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


def rss_mb(pid: int) -> float:
    """The process's resident memory, MB (Linux)."""
    with open(f"/proc/{pid}/status") as f:
        kb = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return kb / 1024


def rest_client(port: int, batch: np.ndarray):
    """A function that sends one request on a kept connection; True when answered."""
    body = json.dumps({"instances": batch.tolist()}).encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send() -> bool:
        connection.request("POST", "/v1/models/m:predict", body,
                           {"content-type": "application/json"})
        response = connection.getresponse()
        return response.status == 200 and b"predictions" in response.read()

    return send


def grpc_client(port: int, batch: np.ndarray):
    import grpc
    import tensorflow as tf
    from tensorflow_serving.apis import predict_pb2, prediction_service_pb2_grpc

    stub = prediction_service_pb2_grpc.PredictionServiceStub(grpc.insecure_channel(
        f"127.0.0.1:{port}", options=[("grpc.max_receive_message_length", 64 << 20)]))
    request = predict_pb2.PredictRequest()
    request.model_spec.name = "m"
    request.model_spec.signature_name = "serving_default"
    request.inputs["images"].CopyFrom(tf.make_tensor_proto(batch))

    def send() -> bool:  # the client reads the answer, from whichever field holds it
        answer = tf.make_ndarray(stub.Predict(request, 60.0).outputs["probabilities"])
        return answer.shape == (len(batch), 10)

    return send


def load(make_client, clients: int, seconds: float) -> dict:
    """Latencies and errors of ``clients`` threads sending for ``seconds``."""
    latencies, errors, lock = [], [0], threading.Lock()
    senders = [make_client() for _ in range(clients)]
    deadline = time.perf_counter() + seconds

    def client(send):
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            try:
                ok = send()
            except Exception:  # noqa: BLE001 - an error is counted, not raised
                ok = False
            with lock:
                latencies.append(time.perf_counter() - start)
                errors[0] += not ok

    threads = [threading.Thread(target=client, args=(send,)) for send in senders]
    begun = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - begun
    ordered = sorted(latencies)
    return {"requests": len(latencies), "errors": errors[0],
            "requests_per_second": len(latencies) / elapsed,
            "p50_ms": 1e3 * ordered[len(ordered) // 2],
            "p99_ms": 1e3 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]}


def in_process(base_path: str, batch: np.ndarray, seconds: float) -> dict:
    """The signature itself, called here back to back: median ms per call, images/s."""
    import tensorflow as tf

    from mnist_keras.serving import model_store

    version = model_store.versions(base_path)[-1]
    signature = model_store.load("m", base_path, version).signatures["serving_default"]
    images = tf.constant(batch)
    signature(images=images)  # warm up
    times, deadline = [], time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        start = time.perf_counter()
        signature(images=images)["probabilities"].numpy()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    return {"calls": len(times), "median_ms": 1e3 * median,
            "images_per_second": len(batch) / median}


def run_rows(proc, rest: int, grpc_port: int, args, apis=("rest", "grpc"),
             label: str = "") -> list[dict]:
    rng, rows = np.random.default_rng(0), []
    for api, make in (("rest", rest_client), ("grpc", grpc_client)):
        if api not in apis:
            continue
        port = rest if api == "rest" else grpc_port
        for batch_size in (1, 100):
            batch = rng.random((batch_size, 28, 28), dtype=np.float32)
            for clients in args.clients:
                row = {"api": api + label, "batch": batch_size, "clients": clients}
                seconds = args.seconds
                if clients > 1:  # memory: after a warm-up, then at the end of a long run
                    load(lambda: make(port, batch), clients, args.warmup)
                    row["rss_after_warmup_mb"] = rss_mb(proc.pid)
                    seconds = args.long_seconds
                row.update(load(lambda: make(port, batch), clients, seconds))
                if clients > 1:
                    row["rss_at_end_mb"] = rss_mb(proc.pid)
                row["images_per_second"] = row["requests_per_second"] * batch_size
                rows.append(row)
                print(f"{api + label:<4} batch {batch_size:>3}, {clients} clients: "
                      f"{row['requests_per_second']:8.1f} req/s "
                      f"({row['images_per_second']:9.0f} images/s), p50 {row['p50_ms']:6.2f} "
                      f"ms, p99 {row['p99_ms']:6.2f} ms, errors {row['errors']}", flush=True)
    return rows


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model_base_path", required=True)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--seconds", type=float, default=20, help="a 1-client run")
    parser.add_argument("--long_seconds", type=float, default=60, help="a many-client run")
    parser.add_argument("--warmup", type=float, default=5, help="before reading memory")
    parser.add_argument("--json", default=None)
    parser.add_argument("--compare_tensor_content", action="store_true",
                        help="gRPC again, the server writing raw bytes (tensor_content) "
                             "instead of TF Serving's default typed fields")
    args = parser.parse_args(argv)
    rows = []
    servers = [((), ("rest", "grpc"), "")]
    if args.compare_tensor_content:
        servers.append((("--enable_serialization_as_tensor_content",), ("grpc",),
                        " (tensor_content)"))
    for extra, apis, label in servers:
        proc, rest, grpc_port = start(args.model_base_path, extra)
        try:
            rows += run_rows(proc, rest, grpc_port, args, apis, label)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    rng = np.random.default_rng(0)
    model = {size: in_process(args.model_base_path, rng.random((size, 28, 28),
                                                                dtype=np.float32), 10)
             for size in (1, 100)}  # the server is gone: the machine to itself
    for row in rows:
        row["in_process"] = model[row["batch"]]
        row["share_of_in_process_images_per_second"] = (
            row["images_per_second"] / model[row["batch"]]["images_per_second"])
        print(f"{row['api']:<4} batch {row['batch']:>3}, {row['clients']} clients: "
              f"p50 {row['p50_ms']:6.2f} ms against {model[row['batch']]['median_ms']:.2f} "
              f"ms in process; {row['share_of_in_process_images_per_second']:.1%} of its "
              f"images/s" + (f"; RSS {row['rss_after_warmup_mb']:.0f} -> "
                             f"{row['rss_at_end_mb']:.0f} MB" if "rss_at_end_mb" in row
                             else ""))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"seconds": args.seconds, "long_seconds": args.long_seconds,
                       "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main(sys.argv[1:])
