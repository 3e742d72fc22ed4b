"""A stage as keras-tuner sees it: its search space, its builder, a trial's training."""

from __future__ import annotations

import dataclasses
import math
import types

import keras
import keras_tuner as kt
import tensorflow as tf

from mnist_keras import nets, registry
from mnist_keras.data import idx, mnist, pipeline
from mnist_keras.errors import InputError
from mnist_keras.execution import settings as execution_settings
from mnist_keras.nets.hparams import Training
from mnist_keras.training import keras_train, scoring

OBJECTIVE = "val_accuracy"
PROJECT = "keras_tuner"  # keras-tuner's project directory inside the search directory
SETTINGS_FILE = "search.json"
RESULTS_FILE = "results.json"
BEST_RUN = "best_run"

# Metrics a trial reports besides the objective; every one is a number, for the gRPC proto.
TRIAL_METRICS = ("val_loss", "accuracy", "loss", "best_epoch", "epochs_run", "last_epoch",
                 "stopped_early")


class TuningError(InputError):
    """Bad input or a search with nothing to show; the command prints it as one line."""


@dataclasses.dataclass(frozen=True)
class SearchData:
    """What a search may see: training and validation images. There is no test split."""

    train: mnist.Split
    validation: mnist.Split


@dataclasses.dataclass(frozen=True)
class Settings:
    """What defines one search; a directory is resumed only with the same settings.

    Attributes:
      stage: stage id (``registry``).
      tuner: ``"random"``, ``"hyperband"`` or ``"bayesian"``.
      epochs: most epochs one trial trains (Hyperband's ``max_epochs``).
      patience: epochs without a better validation accuracy before a trial stops.
      seed: the oracle's seed, and every trial's model and batch seed (so trials differ
        by their hyperparameters, not by their luck).
      train_examples: train on only the first N of the 55,000 images (quick searches).
      hyperband_factor: Hyperband's reduction factor (unused by the other tuners).
    """

    stage: str
    tuner: str
    epochs: int
    patience: int
    seed: int
    train_examples: int | None = None
    hyperband_factor: int = 3


def searchable(aliases: bool = True) -> list[str]:
    """The stage ids whose module has a ``search_space`` (each stage once, without
    ``aliases``)."""
    ids = registry.STAGES if aliases else registry.unique_ids()
    return [k for k in ids if hasattr(registry.get(k), "search_space")]


def default_epochs(stage: types.ModuleType) -> int:
    """The stage's own epochs; for a stage trained in steps, the epochs those steps make."""
    hp = stage.HParams()
    if hp.steps is None:
        return hp.epochs
    train_images = idx.IDX_FILES["train_labels"].count - mnist.VALIDATION_SIZE
    return math.ceil(hp.steps * hp.batch_size / train_images)


def search_data(source: mnist.Source, train_examples: int | None) -> SearchData:
    """TF1's 55,000/5,000 split, always (stages that train on 60,000 included)."""
    data = mnist.load(source, full_train=False, train_examples=train_examples)
    return SearchData(data.train, data.validation)  # the test split stays behind


class StageHyperModel(kt.HyperModel):
    """A stage as keras-tuner sees it: its search space, its builder, a trial's training."""

    def __init__(self, stage: types.ModuleType, settings: Settings, verbose: int = 2,
                 execution: execution_settings.Execution | None = None):
        """
        Args:
          execution: how every trial's model runs (default: its family's measured one,
            ``mnist_keras.execution.settings``); the numbers of a trial are the same.
        """
        super().__init__(name=stage.NAME)
        self.stage, self.settings, self.verbose = stage, settings, verbose
        self.execution = execution
        self.last: dict | None = None  # the latest trial's summary, for its progress line

    def declare_hyperparameters(self, hp: kt.HyperParameters) -> None:
        self.stage.search_space(hp)

    def hparams(self, hp: kt.HyperParameters) -> Training:
        """The stage's hyperparameters with the trial's values and the search's seed."""
        return dataclasses.replace(self.stage.search_space(hp), seed=self.settings.seed)

    def build(self, hp: kt.HyperParameters) -> keras.Model:
        hparams = self.hparams(hp)
        # Under a trial's distribution_strategy, what Keras' fit can run there.
        execution = execution_settings.under_strategy(
            self.execution or execution_settings.for_family(nets.family(hparams).FAMILY),
            tf.distribute.get_strategy())
        keras.utils.set_random_seed(hparams.seed)  # every trial starts from the same seed
        with execution_settings.scope(execution):
            model = self.stage.build_model(hparams)
        # Built now (fit would build it the same), so that when Hyperband continues an
        # earlier trial, load_weights restores its optimizer state too: Keras skips the
        # saved variables of an optimizer that has none yet.
        model.optimizer.build(model.trainable_variables)
        return model

    def fit(self, hp, model, data: SearchData, callbacks=(), epochs=None, initial_epoch=0,
            **search_kwargs) -> dict:
        """Trains one trial on ``data.train``, validating each epoch; stops early.

        ``epochs``/``initial_epoch`` come from Hyperband (which continues a trial from an
        earlier one's weights); other tuners leave ``epochs`` to the settings. The rest of
        ``search()``'s arguments (its ``verbose``) are not for ``fit``.
        """
        hparams = self.hparams(hp)
        epochs = epochs or self.settings.epochs
        batches = -(-len(data.train) // hparams.batch_size)
        keras_train.fit_steps_per_execution(model, batches)  # else Keras over-runs epochs
        train_ds = pipeline.make_dataset(
            data.train, hparams.batch_size, seed=hparams.seed, start=initial_epoch * batches,
            num_batches=(epochs - initial_epoch) * batches)  # the batches a run uses
        val_ds = pipeline.make_dataset(data.validation, scoring.EVAL_BATCH)
        early = keras.callbacks.EarlyStopping(OBJECTIVE, mode="max",
                                              patience=self.settings.patience)
        history = model.fit(train_ds, epochs=epochs, initial_epoch=initial_epoch,
                            steps_per_epoch=batches, validation_data=val_ds,
                            callbacks=[*callbacks, early], verbose=self.verbose,
                            shuffle=False)  # the batches are already in their order
        # Not early.stopped_epoch: Keras sets it when patience runs out on the last epoch too.
        stopped = len(history.epoch) < epochs - initial_epoch
        self.last = summarize(history.history, initial_epoch, stopped)
        return self.last


def summarize(logs: dict, initial_epoch: int, stopped_early: bool) -> dict:
    """A trial's metrics at its best epoch, and how many epochs it ran.

    Epoch numbers are 1-based and count from the start of the weights' training, so a
    Hyperband trial continued from an earlier one reports its total.
    """
    best = max(range(len(logs[OBJECTIVE])), key=lambda i: logs[OBJECTIVE][i])
    return {OBJECTIVE: float(logs[OBJECTIVE][best]),
            **{k: float(logs[k][best]) for k in ("val_loss", "accuracy", "loss")},
            "best_epoch": initial_epoch + best + 1,
            "epochs_run": len(logs[OBJECTIVE]),
            "last_epoch": initial_epoch + len(logs[OBJECTIVE]),
            "stopped_early": int(stopped_early)}


