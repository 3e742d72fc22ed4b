"""The speed benchmark counts what it says it counts (it is run by hand, not timed here)."""

import sys

import pytest
import tensorflow as tf

from conftest import REPO
from stages import experts_cnn, stage0, stage8

sys.path.insert(0, str(REPO / "benchmarks"))
import kernel_floor  # noqa: E402
import speed  # noqa: E402


@pytest.mark.parametrize("stage, flops", [
    (stage0, 2 * 2 * 784 * 10),  # one layer: forward and weight gradient only
    # 4x512: three products per layer but the first layer's input gradient
    (stage8, 2 * (3 * (784 * 512 + 3 * 512 * 512 + 512 * 10) - 784 * 512)),
    # conv 5x5x1x32 on 28x28, conv 5x5x32x64 on 14x14, dense 3136x1024, dense 1024x10
    (experts_cnn, 2 * (3 * (28 * 28 * 800 + 14 * 14 * 800 * 64 + 3136 * 1024 + 10240)
                       - 28 * 28 * 800)),
])
def test_training_flops_per_image(stage, flops):
    assert speed.training_flops_per_image(stage.build_model()) == flops


@pytest.mark.parametrize("stage, batch, count", [
    (stage8, 100, 5 * 3 - 1),  # 5 Dense layers, 3 products each, but the pixels' gradient
    (experts_cnn, 50, 2 + 1 + 3 + 1 + 3 + 3),  # conv, pool, conv, pool, dense, dense
])
def test_step_kernels_are_every_product_but_the_pixels_gradient(stage, batch, count):
    model = stage.build_model()
    kernels = kernel_floor.step_kernels(model, batch)
    products = {k.product or k.name: k.flops for k in kernels}  # one flop count each
    assert len(products) == count
    assert sum(products.values()) == speed.training_flops_per_image(model) * batch
    # every dense input gradient can also be taken as (W dy^T)^T: the same product
    alternatives = [k for k in kernels if k.product]
    assert len(alternatives) == len(kernels) - count == (4 if stage is stage8 else 2)
    assert all(k.product in products for k in alternatives)


def test_the_floor_counts_the_faster_way_of_a_product(monkeypatch):
    seconds = {"a": 3.0, "b": 2.0, "b as (W dy^T)^T": 1.0}
    monkeypatch.setattr(kernel_floor, "step_kernels", lambda model, batch: [
        kernel_floor.Kernel("a", None, ()), kernel_floor.Kernel("b", None, ()),
        kernel_floor.Kernel("b as (W dy^T)^T", None, (), product="b")])
    monkeypatch.setattr(kernel_floor, "kernel_seconds", lambda k, jit: seconds[k.name])
    monkeypatch.setattr(kernel_floor, "update_seconds", lambda model, jit: 0.5)
    result = kernel_floor.floor(lambda jit: stage0.build_model(), 100)
    assert result["step_seconds"] == 3.0 + 1.0 + 0.5


def test_paired_timing_interleaves_every_variant(small):
    rows = speed.time_paired("0", small, [{}, dict(steps_per_execution=1)], seconds=0.3)
    assert [r["variant"] for r in rows] == ["defaults", "steps_per_execution=1"]
    assert [r["steps_per_execution"] for r in rows] == [50, 1]
    assert rows[0]["executions"] == rows[1]["executions"] > 0  # one each per round
    assert rows[0]["ratio_to_default"] == 1.0
    assert rows[1]["ms_per_step"] > 0 and len(rows[1]["ratio_quartiles"]) == 2


@pytest.mark.parametrize("jit", [False, True])
def test_kernel_timing_runs_the_kernel_every_time(jit):
    # If the loop let a compiler hoist or drop the product, size would not matter.
    small = kernel_floor.Kernel("small", tf.matmul, ((32, 32), (32, 32)))
    big = kernel_floor.Kernel("big", tf.matmul, ((256, 256), (256, 256)))
    assert kernel_floor.kernel_seconds(big, jit) > 4 * kernel_floor.kernel_seconds(small, jit)


def test_a_paired_variant_may_change_hyperparameters():
    # Augmentation's share of a step is timed as stage 11 against itself without it.
    execution = speed.execution_of("11")
    hp, model = speed.build("11", execution, dict(rotation=0.0, zoom=0.0, shift=0.0))
    _, augmented = speed.build("11", execution)
    assert (hp.rotation, hp.zoom, hp.shift) == (0.0, 0.0, 0.0)
    names = lambda m: {type(layer).__name__ for layer in m.layers}
    assert names(augmented) - names(model) == {"RandomRotation", "RandomZoom",
                                               "RandomTranslation"}
    assert model.count_params() == augmented.count_params()
