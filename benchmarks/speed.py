"""Training speed on this machine, against its FLOP floor and its kernel floor. Not a test.

  python benchmarks/speed.py                  # defaults of stage 8 and the experts' CNN
  python benchmarks/speed.py --levers         # also the levers the defaults were chosen by
  python benchmarks/speed.py --dropout        # Philox vs ThreeFry dropout masks under XLA
  python benchmarks/speed.py --kernels        # each model's kernel floor (see 4.)
  python benchmarks/speed.py --paired         # variants against the defaults, interleaved (5.)
  python benchmarks/speed.py --stages=10,11 --kernels --paired   # other stages
  TF_ENABLE_ONEDNN_OPTS=0 python benchmarks/speed.py          # without oneDNN kernels
  TF_NUM_INTRAOP_THREADS=1 TF_NUM_INTEROP_THREADS=2 python benchmarks/speed.py  # threads

1. Measures this machine's float32 matmul GFLOP/s (2048x2048, median of 10, with and
   without XLA; the better is the peak).
2. Counts each model's training FLOPs per image from its layers: 2 per multiply-add;
   each layer's forward product, weight gradient and input gradient, but for the first
   layer's input gradient, which no step computes (the pixels need none).
   The FLOP floor of an epoch is its FLOPs at the measured peak.
3. Times training through the product's own ``keras_train.fit_periods`` on the full
   55,000 images:
   stage 8 by epochs, the CNN by 100-step periods; the first period (XLA compile and
   warm-up) is dropped and the median of the rest is reported.
4. With ``--kernels``: the kernel floor of a training step. Every big kernel a step must
   run (each Dense and Conv2D layer's forward product, its weight gradient and, but for
   the first layer, its input gradient; each max-pool and its gradient; the Adam update
   of every weight) is timed alone at the step's shapes, with TF's kernels and with XLA,
   and the faster counts. Their sum is what a step costs with this machine's kernels even
   if nothing else (activations, dropout, loss, bias gradients, scheduling) cost a thing.
   A product that can be computed two ways (the dense input gradient as ``dy W^T`` or
   ``(W dy^T)^T``) counts the faster.
Levers and variants are changes to the model family's ``Execution``
(``mnist_keras/execution/settings.py``): the stage's model and numbers stay its own.

5. With ``--paired``: the variants of ``PAIRED`` and each stage's defaults, all built in
   one process and trained by turns, one execution each in a random order, so that the
   machine's drift hits all of them alike; each is reported as the median ratio of its
   executions to the defaults' execution of the same round.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import sys
import tempfile
import time

import keras
import numpy as np
import tensorflow as tf

from mnist_keras import nets, registry
from mnist_keras.data import mnist as mnist_lib
from mnist_keras.data import pipeline
from mnist_keras.execution import settings, xla_flags
from mnist_keras.report import tables
from mnist_keras.report.flops import training_flops_per_image
from mnist_keras.training import keras_train, schedule
from mnist_keras.training.run_dir import RunDir

import kernel_floor  # beside this script

BATCH_IMAGES = 55000  # one TF1 training epoch


def matmul_gflops(n: int = 2048, repeats: int = 10) -> dict:
    """Median float32 GFLOP/s of an n x n matmul, with TF's kernels and with XLA."""
    return {name: tables.matmul_gflops(n, repeats, jit_compile=jit)
            for name, jit in (("tf", False), ("xla", True))}


def execution_of(stage_id: str, **changes) -> settings.Execution:
    """The stage family's execution with ``changes`` (a lever or a variant)."""
    family = nets.family(registry.get(stage_id).HParams()).FAMILY
    return dataclasses.replace(settings.for_family(family), **changes)


def build(stage_id: str, execution: settings.Execution, hp_changes: dict | None = None):
    """(hyperparameters, the stage's model built for ``execution``), seeded.

    Args:
      hp_changes: hyperparameters to change (a paired variant such as no augmentation).
    """
    stage = registry.get(stage_id)
    hp = dataclasses.replace(stage.HParams(), **(hp_changes or {}))
    keras.utils.set_random_seed(hp.seed)
    with settings.scope(execution):
        return hp, stage.build_model(hp)


def time_training(stage_id: str, mnist: mnist_lib.Mnist, periods: int, **changes) -> dict:
    """Seconds per 55,000 images through ``keras_train.fit_periods``: median of periods
    2..n."""
    execution = execution_of(stage_id, **changes)
    hp, model = build(stage_id, execution)
    if hp.steps is None:
        hp = dataclasses.replace(hp, epochs=periods)
    else:
        hp = dataclasses.replace(hp, steps=periods * hp.log_every)
    mnist = dataclasses.replace(mnist, validation=None)  # time training alone
    with tempfile.TemporaryDirectory() as path, RunDir(path) as run_dir:
        history = keras_train.fit_periods(model, hp, mnist, run_dir, verbose=0)
    seconds = [e["seconds"] for e in history.epochs][1:]
    per_period = statistics.median(seconds)
    images = schedule.period_images(hp, len(mnist.train))
    return {"stage": stage_id, **changes, "jit_compile": execution.jit_compile,
            "steps_per_execution": execution.steps_per_execution,
            "seconds_per_epoch": per_period * BATCH_IMAGES / images,
            "images_per_second": images / per_period,
            "flops_per_image": training_flops_per_image(model),
            "periods_timed": [round(s, 3) for s in seconds]}


def time_paired(stage_id: str, mnist: mnist_lib.Mnist, variants: list[dict],
                seconds: float) -> list[dict]:
    """ms per step of each variant, all trained in one process, executions interleaved.

    The machine's speed drifts by tens of percent within a minute, so variants timed one
    after another differ by when they ran. Here each round runs one execution
    (``steps_per_execution`` batches) of every variant in a random order, for
    ``seconds`` per variant in all; each execution is compared with the same round's
    execution of ``variants[0]``, and the median of those ratios is reported.
    """
    executions = [execution_of(stage_id, **{k: v for k, v in changes.items() if k != "hp"})
                  for changes in variants]
    runs = []
    for execution, changes in zip(executions, variants):
        hp, model = build(stage_id, execution, changes.get("hp"))
        model.make_train_function()
        batches = pipeline.make_dataset(mnist.train, hp.batch_size, seed=hp.seed,
                                        num_batches=len(mnist.train) // hp.batch_size)
        runs.append((model, iter(batches.repeat())))
    times = [[] for _ in variants]
    for _ in range(3):  # compiles and warms up every variant
        for model, batches in runs:
            _execution_seconds(model, batches)
    deadline = time.perf_counter() + seconds * len(variants)
    while time.perf_counter() < deadline:
        for i in np.random.permutation(len(variants)):
            times[i].append(_execution_seconds(*runs[i]) / runs[i][0].steps_per_execution)
    batch = registry.get(stage_id).HParams().batch_size
    return [_paired_row(stage_id, changes, execution, batch, t, times[0])
            for changes, execution, t in zip(variants, executions, times)]


def _execution_seconds(model: keras.Model, batches) -> float:
    """Seconds of one call of the model's train function, results fetched."""
    start = time.perf_counter()
    logs = model.train_function(batches)
    float(logs["loss"])  # waits for the execution
    return time.perf_counter() - start


def _paired_row(stage_id: str, changes: dict, execution: settings.Execution, batch: int,
                times: list, base: list) -> dict:
    """One variant's median ms per step and its paired ratios to the defaults."""
    ratios = sorted(t / b for t, b in zip(times, base))
    quartile = lambda q: ratios[round(q * (len(ratios) - 1))]
    variant = " ".join(f"{k}={v}" for k, v in changes.items()) or "defaults"
    return {"stage": stage_id, **changes, "variant": variant,
            "jit_compile": execution.jit_compile,
            "steps_per_execution": execution.steps_per_execution, "executions": len(times),
            "ms_per_step": 1e3 * statistics.median(times),
            "seconds_per_epoch": statistics.median(times) * BATCH_IMAGES / batch,
            "ratio_to_default": statistics.median(ratios),
            "ratio_quartiles": [quartile(0.25), quartile(0.75)]}


NO_XLA = dict(jit_compile=False, xla_loop=False, threefry_dropout=False)
PAIRED = {  # stage: variants timed against its defaults (the first), interleaved
    "8": [{}, dict(xla_loop=False), dict(steps_per_execution=1),
          dict(NO_XLA, steps_per_execution=1)],
    # (the CNN's XLA variants are ~1.7x and ~40x slower: LEVERS)
    "9": [{}, dict(transposed_gradient=False), dict(fused_adam=False),
          dict(steps_per_execution=1)],
    # Batch norm: does XLA now pay (it fuses the normalization's elementwise ops)?
    "10": [{}, dict(jit_compile=True, steps_per_execution=20)],
    # Augmentation's share of a step: the same model without it.
    "11": [{}, dict(hp=dict(rotation=0.0, zoom=0.0, shift=0.0))],
}


LEVERS = {  # stage: the settings its defaults were chosen from
    "8": [dict(NO_XLA, steps_per_execution=1),
          dict(jit_compile=True, steps_per_execution=1),
          dict(jit_compile=True, steps_per_execution=50, xla_loop=False)],
    "9": [dict(jit_compile=False, steps_per_execution=1),
          dict(jit_compile=True, steps_per_execution=20),
          # ~1 s a step: two 100-step periods, one timed
          dict(jit_compile=True, steps_per_execution=20, xla_loop=True, periods=2),
          dict(jit_compile=False, steps_per_execution=20),
          dict(jit_compile=False, steps_per_execution=20, fused_adam=False)],
}
# Read by TF when it starts, so they are set in the environment of a whole run:
#   TF_ENABLE_ONEDNN_OPTS=0 python benchmarks/speed.py
#   XLA_FLAGS=--xla_cpu_copy_insertion_use_region_analysis=false python benchmarks/speed.py
ENV_LEVERS = ("TF_ENABLE_ONEDNN_OPTS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS",
              "XLA_FLAGS")


def dropout_masks(repeats: int = 3) -> dict:
    """Seconds for one stage-8 epoch of dropout masks (4 x 550 of [100, 512]) under XLA."""
    count = 4 * 550
    x = tf.ones([100, 512])
    result = {}
    for alg in ("philox", "threefry"):
        @tf.function(jit_compile=True)
        def masks(alg=alg):
            def body(i, acc):
                seed = tf.stack([i, 7])
                y = tf.nn.experimental.stateless_dropout(x, 0.3, seed=seed, rng_alg=alg)
                return i + 1, acc + tf.reduce_sum(y)
            return tf.while_loop(lambda i, a: i < count, body, (0, 0.0))[1]
        masks().numpy()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            masks().numpy()
            times.append(time.perf_counter() - start)
        result[alg] = statistics.median(times)
    return result


def report(rows: list[dict], peak: float, floors: dict) -> None:
    print(f"{'stage':>5} {'jit':>5} {'spe':>4} {'s/epoch':>8} {'images/s':>9} "
          f"{'floor s':>8} {'x floor':>7} {'kernel s':>8} {'x kern.':>7}  other")
    for row in rows:
        floor = row["flops_per_image"] * BATCH_IMAGES / (peak * 1e9)
        row["floor_seconds"], row["ratio_to_floor"] = floor, row["seconds_per_epoch"] / floor
        kernels = floors.get(row["stage"], {}).get("seconds_per_epoch")
        if kernels:
            row["ratio_to_kernel_floor"] = row["seconds_per_epoch"] / kernels
        print(f"{row['stage']:>5} {str(row['jit_compile']):>5} "
              f"{row['steps_per_execution']:>4} {row['seconds_per_epoch']:8.2f} "
              f"{row['images_per_second']:9,.0f} {floor:8.2f} {row['ratio_to_floor']:7.2f} "
              f"{kernels or float('nan'):8.2f} {row.get('ratio_to_kernel_floor', float('nan')):7.2f}"
              f"  {_other(row)}")


def report_paired(rows: list[dict]) -> None:
    """Prints ``time_paired``'s rows: each variant against its stage's defaults."""
    print("interleaved in one process; ratio: median of each execution over the same "
          "round's execution of the defaults [quartiles]")
    print(f"{'stage':>5} {'ms/step':>8} {'s/epoch':>8} {'ratio':>6} {'quartiles':>13} "
          f"{'runs':>5}  variant")
    for row in rows:
        low, high = row["ratio_quartiles"]
        print(f"{row['stage']:>5} {row['ms_per_step']:8.2f} {row['seconds_per_epoch']:8.2f} "
              f"{row['ratio_to_default']:6.3f} {low:6.3f}-{high:.3f} {row['executions']:5d}  "
              f"{row['variant']}")


def kernel_floors(stage_ids: list[str]) -> dict:
    """Each stage's kernel floor (``kernel_floor.floor``), printed kernel by kernel."""
    floors = {}
    for stage_id in stage_ids:
        hp = registry.get(stage_id).HParams()
        result = kernel_floor.floor(
            lambda jit: build(stage_id, execution_of(
                stage_id, **(dict(jit_compile=True) if jit else NO_XLA)))[1], hp.batch_size)
        result["seconds_per_epoch"] = result["step_seconds"] * BATCH_IMAGES / hp.batch_size
        print(f"kernel floor, stage {stage_id} (batch {hp.batch_size}), ms per step:")
        print(f"  {'kernel':<52} {'TF':>7} {'XLA':>7} {'GFLOP/s':>8}")
        for k in result["kernels"]:
            rate = f"{k['flops'] / k['best'] / 1e9:8.0f}" if k["flops"] else ""
            print(f"  {k['kernel']:<52} {k['tf'] * 1e3:7.3f} {k['xla'] * 1e3:7.3f} {rate}")
        print(f"  sum of the faster: {result['step_seconds'] * 1e3:.2f} ms per step = "
              f"{result['seconds_per_epoch']:.2f} s per {BATCH_IMAGES:,} images")
        floors[stage_id] = result
    return floors


def _other(row: dict) -> str:
    """The row's execution changes beyond the XLA and steps-per-execution columns."""
    fields = {f.name for f in dataclasses.fields(settings.Execution)}
    other = fields - {"jit_compile", "steps_per_execution"}
    return " ".join(f"{k}={v}" for k, v in row.items() if k in other)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levers", action="store_true", help="time the lever matrix too")
    parser.add_argument("--dropout", action="store_true", help="time dropout mask RNGs")
    parser.add_argument("--kernels", action="store_true", help="each stage's kernel floor")
    parser.add_argument("--paired", action="store_true",
                        help="time PAIRED's variants against the defaults, interleaved")
    parser.add_argument("--paired_seconds", type=float, default=60,
                        help="--paired: seconds of training per variant")
    parser.add_argument("--stages", default="8,9", help="stages to time (comma-separated)")
    parser.add_argument("--epochs", type=int, default=4, help="stage-8 epochs (1 dropped)")
    parser.add_argument("--periods", type=int, default=6, help="CNN 100-step periods")
    parser.add_argument("--data_dir", default=None, help="MNIST IDX files (default: the "
                        "ones shipped with the package)")
    parser.add_argument("--json", default=None, help="also write the numbers here")
    args = parser.parse_args(argv)
    xla_flags.apply()  # as the training commands do; XLA reads it at its first compile
    mnist = mnist_lib.load(mnist_lib.resolve_source("idx", args.data_dir))
    env = {k: os.environ[k] for k in ENV_LEVERS if k in os.environ}
    print("environment levers:", " ".join(f"{k}={v}" for k, v in env.items()) or "defaults")
    gflops = matmul_gflops()
    peak = max(gflops.values())
    print(f"matmul float32 2048x2048: {gflops['tf']:.0f} GFLOP/s (TF kernels), "
          f"{gflops['xla']:.0f} GFLOP/s (XLA); peak used for the floor: {peak:.0f}")
    stage_ids = [registry.stage_id(registry.get(s)) for s in args.stages.split(",")]
    configs = [(s, {}) for s in stage_ids]
    if args.levers:
        configs += [(s, c) for s, changes in LEVERS.items() if s in stage_ids for c in changes]
    floors = kernel_floors(stage_ids) if args.kernels else {}
    rows = [time_training(s, mnist, **{"periods": args.epochs if s == "8" else args.periods,
                                       **c}) for s, c in configs]
    report(rows, peak, floors)
    paired = []
    if args.paired:
        for stage_id, variants in ((s, PAIRED[s]) for s in stage_ids if s in PAIRED):
            paired += time_paired(stage_id, mnist, variants, args.paired_seconds)
        report_paired(paired)
    masks = dropout_masks() if args.dropout else None
    if masks:
        print(f"dropout masks, one stage-8 epoch under XLA: philox {masks['philox']:.3f} s, "
              f"threefry {masks['threefry']:.3f} s")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"environment": env, "matmul_gflops": gflops, "rows": rows,
                       "dropout_masks": masks, "kernel_floors": floors, "paired": paired},
                      f, indent=2)


if __name__ == "__main__":
    main(sys.argv[1:])
