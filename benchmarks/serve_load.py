"""Load on the REST server: concurrent clients on 127.0.0.1 for a bounded time. Not a test.

  python benchmarks/serve_load.py --model_base_path=saved_models/stage8 --json results/serve-load.json

Starts ``python -m mnist_keras.serve`` on a free port, then for each payload (one image,
a batch of 100) and each number of ``--clients`` (1, then 8) runs that many threads that
post ``:predict`` requests back to back for ``--seconds``, and reports requests and images per second, p50/p99 latency and the
errors (which must be 0). The same model's ``serving_default`` signature called in this
process on the same payloads gives the time the model itself takes, so the server's
overhead is a ratio measured side by side on one machine.
"""

from __future__ import annotations

import argparse
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


def start(base_path: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "mnist_keras.serve", "--model_name=m",
                             f"--model_base_path={base_path}", f"--rest_api_port={port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1/models/m:predict"
    for _ in range(600):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models/m", timeout=1)
            return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


def post(url: str, body: bytes) -> bool:
    request = urllib.request.Request(url, data=body, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status == 200 and b"predictions" in response.read()
    except OSError:
        return False


def load(url: str, body: bytes, clients: int, seconds: float) -> dict:
    """Latencies and errors of ``clients`` threads posting ``body`` for ``seconds``."""
    latencies, errors, lock = [], [0], threading.Lock()
    deadline = time.perf_counter() + seconds

    def client():
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            ok = post(url, body)
            with lock:
                latencies.append(time.perf_counter() - start)
                errors[0] += not ok

    threads = [threading.Thread(target=client) for _ in range(clients)]
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


def decode_ms(body: bytes, repeats: int = 20) -> float:
    """Median ms of the server's first step on a body: ``json.loads``."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        json.loads(body)
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def in_process(base_path: str, batch: np.ndarray, seconds: float) -> dict:
    """The signature itself, called here back to back: median ms per call."""
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
    return {"calls": len(times), "median_ms": 1e3 * statistics.median(times)}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model_base_path", required=True)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(0)
    proc, url = start(args.model_base_path)
    rows = []
    try:
        for batch_size in (1, 100):
            batch = rng.random((batch_size, 28, 28), dtype=np.float32)
            body = json.dumps({"instances": batch.tolist()}).encode()
            for clients in args.clients:
                row = {"batch": batch_size, "clients": clients, "body_bytes": len(body),
                       **load(url, body, clients, args.seconds)}
                row["json_decode_ms"] = decode_ms(body)
                row["images_per_second"] = row["requests_per_second"] * batch_size
                rows.append(row)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    for row in rows:  # the server is gone: the model alone, with the machine to itself
        batch = rng.random((row["batch"], 28, 28), dtype=np.float32)
        row["in_process"] = in_process(args.model_base_path, batch, args.seconds / 2)
        row["p50_over_in_process"] = row["p50_ms"] / row["in_process"]["median_ms"]
        print(f"batch {row['batch']:>3}, {row['clients']} clients: "
              f"{row['requests_per_second']:7.1f} req/s "
              f"({row['images_per_second']:8.0f} images/s), p50 {row['p50_ms']:6.2f} ms, "
              f"p99 {row['p99_ms']:6.2f} ms, errors {row['errors']}; json.loads "
              f"{row['json_decode_ms']:.2f} ms; in process "
              f"{row['in_process']['median_ms']:.2f} ms a call: p50 x"
              f"{row['p50_over_in_process']:.1f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"seconds": args.seconds, "rows": rows}, f, indent=2)


if __name__ == "__main__":
    main(sys.argv[1:])
