"""The ladder's runs: which (stage, API, seed), and training or reading back each one."""

from __future__ import annotations

import functools
import os

import keras

from mnist_keras import registry
from mnist_keras.data import mnist
from mnist_keras.nets.hparams import override
from mnist_keras.report import flops, tables
from mnist_keras.training import atomic, graph_train, keras_train
from mnist_keras.training.run_dir import HISTORY_FILE, HPARAMS_FILE, METRICS_FILE

RUNS_DIR = "runs"  # under the output directory
MACHINE_FILE = "machine.json"  # in a run directory: the CPU and its matmul rate at the start


def plan(stage_ids: list[str], apis: list[str], seeds: int) -> list[tuple[str, str, int]]:
    """(stage id, api, seed) for every run, stage by stage; seeds start at the text's."""
    return [(stage_id, api, registry.get(stage_id).HParams().seed + k)
            for stage_id in stage_ids for api in apis for k in range(seeds)]


@functools.cache
def _flops_per_image(stage_id: str) -> float:
    return flops.training_flops_per_image(registry.get(stage_id).build_model())


def training_tflop(stage_id: str, run_dir: str, metrics: dict) -> float | None:
    """A finished run's training compute, TFLOP: its stage's net, the images it trained
    on (its steps' batches, or its epochs' passes over its training split)."""
    recorded = atomic.read_json(os.path.join(run_dir, HPARAMS_FILE))
    if recorded is None:
        return None
    if metrics["steps"]:
        images = metrics["steps"] * recorded["hparams"]["batch_size"]
    else:
        images = metrics["epochs"] * metrics["train_images"]
    return _flops_per_image(stage_id) * images / 1e12


class Runner:
    """Trains (or reads back) one run at a time, loading each data variant once."""

    def __init__(self, out: str, source: mnist.Source, train_examples: int | None,
                 epochs: int | None = None, steps: int | None = None,
                 measure_matmul: bool = True):
        """
        Args:
          measure_matmul: before each run, time this machine's matmul rate (about two
            seconds) and keep it with the CPU in the run's ``machine.json``.
        """
        self.out, self.source, self.train_examples = out, source, train_examples
        self.epochs, self.steps = epochs, steps  # for epoch-mode and step-mode stages
        self.measure_matmul = measure_matmul
        self._data: dict[bool, mnist.Mnist] = {}

    def data(self, full_train: bool) -> mnist.Mnist:
        if full_train not in self._data:
            self._data[full_train] = mnist.load(self.source, full_train=full_train,
                                                train_examples=self.train_examples)
        return self._data[full_train]

    def run_dir(self, stage, api: str, seed: int) -> str:
        return os.path.join(self.out, RUNS_DIR, f"{stage.NAME}-{api}-seed{seed}")

    def get(self, step: int, total: int, stage_id: str, api: str, seed: int,
            train: bool = True) -> dict | None:
        """Trains one run unless it finished before; returns its record for the report.

        With ``train=False`` an unfinished run is not trained and the result is None.
        """
        stage = registry.get(stage_id)
        run_dir = self.run_dir(stage, api, seed)
        label = f"[{step}/{total}] stage {stage_id} ({stage.NAME}), {api}, seed {seed}"
        metrics = atomic.read_json(os.path.join(run_dir, METRICS_FILE))
        if metrics is None and not train:
            print(f"{label}: not run, listed as missing in the report", flush=True)
            return None
        if metrics is None:
            print(f"{label}: training", flush=True)
            machine = {**tables.machine(), "matmul_gflops": tables.matmul_gflops()
                       } if self.measure_matmul else None
            metrics = self._train(stage, stage_id, api, seed, run_dir)
            if machine:
                atomic.write_json(os.path.join(run_dir, MACHINE_FILE), machine)
            keras.backend.clear_session()  # free the finished run's graphs and variables
        else:
            print(f"{label}: done before, read from {run_dir}", flush=True)
        print(f"{label}: test accuracy {metrics['test_accuracy']:.4f}, "
              f"{metrics['wall_time_s']:.0f} s", flush=True)
        history = atomic.read_json(os.path.join(run_dir, HISTORY_FILE)) or []
        return {**metrics, "stage": stage_id, "name": stage.NAME, "api": api, "seed": seed,
                # over every process of the run; wall_time_s is its last process's
                "train_seconds": sum(e.get("seconds", 0.0) for e in history),
                "change": stage.CHANGE, "tutorial_accuracy": stage.TUTORIAL_ACCURACY,
                "run_dir": run_dir, "training_tflop": training_tflop(stage_id, run_dir, metrics),
                "machine": atomic.read_json(os.path.join(run_dir, MACHINE_FILE))}

    def _train(self, stage, stage_id: str, api: str, seed: int, run_dir: str) -> dict:
        hp = stage.HParams()
        if hp.steps is None:
            hp = override(hp, seed=seed, epochs=self.epochs)
        else:
            hp = override(hp, seed=seed, steps=self.steps)
        keras.utils.set_random_seed(seed)  # once per run, as main does
        trainer = keras_train.train if api == "keras" else graph_train.train
        return trainer(stage, stage_id, hp, self.data(hp.full_train), run_dir, verbose=0)
