"""The kernel floor of a training step: its big kernels, each timed alone. Not a test.

Used by ``speed.py --kernels``. A step of a Dense or Conv2D layer runs three products:
forward, weight gradient and (but for the first layer, whose input needs no gradient)
input gradient; a max-pool runs its forward and its gradient (timed together: the
gradient needs the forward's output); the optimizer updates every weight. Each is timed
alone at the step's shapes, repeated inside one compiled program, with TF's kernels (oneDNN
here) and with XLA, and the faster one counts. Their sum is what one step costs with this
machine's kernels even if everything else a step does (activations, bias gradients,
dropout, loss, scheduling) cost nothing. Timed alone, a kernel also pays for the chain
that repeats it (one add and one element per call), and a step can overlap independent
kernels, so a real step may come in a little under the sum.
"""

from __future__ import annotations

import dataclasses
import statistics
import time
from typing import Callable

import keras
import numpy as np
import tensorflow as tf

from mnist_keras.execution.fast_layers import input_gradient


@dataclasses.dataclass(frozen=True)
class Kernel:
    """One kernel of a step: ``fn(*operands)``, operands drawn with these shapes."""

    name: str
    fn: Callable
    shapes: tuple  # the first operand is the one the timing loop varies
    flops: float = 0.0  # 2 per multiply-add; 0 for memory-bound kernels
    product: str = ""  # kernels of one product are ways to compute it: the fastest counts


def _dense(layer, batch: int, first: bool) -> list[Kernel]:
    n_in, n_out = layer.kernel.shape
    x, w, dy = (batch, n_in), (n_in, n_out), (batch, n_out)
    flops = 2 * batch * n_in * n_out
    kernels = [Kernel(f"{layer.name} forward {x}x{w}", tf.matmul, (x, w), flops),
               Kernel(f"{layer.name} weight gradient", _weight_gradient, (x, dy), flops)]
    if not first:
        name = f"{layer.name} input gradient"
        kernels += [Kernel(name, _input_gradient, (dy, w), flops),
                    Kernel(f"{name} as (W dy^T)^T", input_gradient, (dy, w),
                           flops, product=name)]
    return kernels


def _weight_gradient(x, dy):
    return tf.matmul(x, dy, transpose_a=True)


def _input_gradient(dy, w):
    return tf.matmul(dy, w, transpose_b=True)


def _conv(layer, batch: int, first: bool) -> list[Kernel]:
    x, dy = (batch, *layer.input.shape[1:]), (batch, *layer.output.shape[1:])
    w, strides, padding = tuple(layer.kernel.shape), layer.strides, layer.padding.upper()
    flops = 2 * np.prod(dy[:3]) * np.prod(w)  # every output pixel: a kernel-sized product
    kernels = [
        Kernel(f"{layer.name} forward {x}*{w}",
               lambda x_, w_: tf.nn.conv2d(x_, w_, strides, padding), (x, w), flops),
        Kernel(f"{layer.name} weight gradient", lambda x_, dy_: tf.raw_ops.Conv2DBackpropFilter(
            input=x_, filter_sizes=w, out_backprop=dy_, strides=[1, *strides, 1],
            padding=padding), (x, dy), flops)]
    if not first:
        kernels.append(Kernel(f"{layer.name} input gradient", lambda dy_, w_: (
            tf.nn.conv2d_transpose(dy_, w_, x, strides, padding)), (dy, w), flops))
    return kernels


def _pool(layer, batch: int) -> list[Kernel]:
    x = (batch, *layer.input.shape[1:])
    size, padding = [1, *layer.pool_size, 1], layer.padding.upper()
    strides = [1, *layer.strides, 1]

    def gradient(x_):  # the gradient kernel needs the forward's output, made inside
        y = tf.nn.max_pool2d(x_, size, strides, padding)
        return tf.raw_ops.MaxPoolGrad(orig_input=x_, orig_output=y, grad=y, ksize=size,
                                      strides=strides, padding=padding)

    return [Kernel(f"{layer.name} forward + gradient {x}", gradient, (x,))]


def step_kernels(model: keras.Model, batch: int) -> list[Kernel]:
    """The big kernels of one training step of ``model`` on ``batch`` images."""
    kernels, first = [], True
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            kernels += _dense(layer, batch, first)
            first = False
        elif isinstance(layer, keras.layers.Conv2D):
            kernels += _conv(layer, batch, first)
            first = False
        elif isinstance(layer, keras.layers.MaxPooling2D):
            kernels += _pool(layer, batch)
    return kernels


def _median_seconds(make_run: Callable[[int], Callable], most: int, budget: float = 0.1):
    """Seconds per repetition: ``make_run(reps)()`` runs ``reps``; median of 5 runs.

    ``reps`` fills about ``budget`` seconds (at most ``most``), so a kernel that one
    backend runs very slowly costs one repetition, not a hundred.
    """
    once = make_run(1)
    once().numpy()  # compiles
    start = time.perf_counter()
    once().numpy()
    reps = max(1, min(most, int(budget / (time.perf_counter() - start))))
    run = make_run(reps)
    run().numpy()
    times = []
    for _ in range(5):
        start = time.perf_counter()
        run().numpy()
        times.append(time.perf_counter() - start)
    return statistics.median(times) / reps


def kernel_seconds(kernel: Kernel, jit: bool) -> float:
    """Seconds per call of ``kernel``, repeated in one compiled program."""
    first, *rest = [tf.random.normal(s) for s in kernel.shapes]
    scale = tf.Variable(0.0)  # a variable, not a constant 0, which a compiler could fold

    def make_run(reps: int):
        @tf.function(jit_compile=jit)
        def run():
            # A chain of ``reps`` calls, unrolled: inside a while loop XLA's CPU backend
            # emits convolution gradients as plain loops, 100x slower than in a step.
            # Each call's operand depends on the call before (zero is always 0), so no
            # compiler can merge the calls or hoist one; one output element carries the
            # dependency (a sum would add a pass over the output to the kernel's time).
            zero = tf.constant(0.0)
            for _ in range(reps):
                zero = tf.reshape(kernel.fn(first + zero, *rest), [-1])[0] * scale
            return zero
        return run

    return _median_seconds(make_run, most=100)


def update_seconds(model: keras.Model, jit: bool) -> float:
    """Seconds per optimizer update of every weight, as the model's optimizer does it."""
    optimizer, variables = model.optimizer, model.trainable_variables
    optimizer.build(variables)
    grads = [tf.random.normal(v.shape, stddev=1e-3) for v in variables]

    def make_loop(reps: int):
        @tf.function(jit_compile=jit)
        def loop():
            def body(i):
                optimizer.apply(grads, variables)
                return i + 1
            return tf.while_loop(lambda i: i < reps, body, [0])[0]
        return loop

    return _median_seconds(make_loop, most=100)


def floor(build: Callable[[bool], keras.Model], batch: int) -> dict:
    """Each kernel's seconds with TF's kernels and with XLA, and the step's floor.

    Args:
      build: ``build(jit_compile)`` -> the compiled model (its optimizer follows it).
      batch: images per step.
    """
    rows = [{"kernel": k.name, "product": k.product or k.name, "flops": float(k.flops),
             "tf": kernel_seconds(k, False), "xla": kernel_seconds(k, True)}
            for k in step_kernels(build(False), batch)]
    update = "optimizer update, every weight"
    rows.append({"kernel": update, "product": update, "flops": 0.0,
                 "tf": update_seconds(build(False), False),
                 "xla": update_seconds(build(True), True)})
    fastest = {}
    for row in rows:
        row["best"] = min(row["tf"], row["xla"])
        fastest[row["product"]] = min(fastest.get(row["product"], row["best"]), row["best"])
    return {"kernels": rows, "step_seconds": sum(fastest.values())}
