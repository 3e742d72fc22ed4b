"""keras-tuner's tuners, each reporting a line per finished trial and stopping a local
search after failures in a row; the distributed roles of keras-tuner's chief/worker mode.
"""

from __future__ import annotations

import os
import types

import keras_tuner as kt
import tensorflow as tf

from mnist_keras.execution.settings import Execution
from mnist_keras.tuning import results
from mnist_keras.tuning.hypermodel import (OBJECTIVE, PROJECT, SearchData, Settings,
                                           StageHyperModel, TuningError)
from mnist_keras.tuning.results import COMPLETED

# keras-tuner's own "N consecutive failures" stop raises inside the oracle: that makes a
# resumed search fail again at once, and in distributed mode it leaves the chief waiting
# for ever. It is switched off; ReportingMixin stops a local search itself instead.
NEVER = 10**9


class SearchAborted(Exception):
    """Too many trials in a row failed in this process; the search stops early."""


def role() -> str:
    """``"single"``, or ``"chief"``/``"worker"`` in keras-tuner's distributed mode.

    Raises:
      TuningError: when the distributed environment variables are incomplete.
    """
    if "KERASTUNER_ORACLE_IP" not in os.environ:
        return "single"
    missing = [v for v in ("KERASTUNER_ORACLE_PORT", "KERASTUNER_TUNER_ID")
               if not os.environ.get(v)]
    if missing:
        raise TuningError(f"KERASTUNER_ORACLE_IP is set but {' and '.join(missing)} "
                          "is not: distributed search needs all three")
    return "chief" if "chief" in os.environ["KERASTUNER_TUNER_ID"] else "worker"


class ReportingMixin:
    """Mixed into a keras-tuner tuner: a line per finished trial, and a stop on failures.

    A FAILED trial's line carries its error. A local (not distributed) search stops after
    ``max_consecutive_failures`` failed trials in a row (0: never), as a broken setup
    fails every trial.
    """

    def __init__(self, *args, max_consecutive_failures: int = 3, **kwargs):
        self.max_consecutive_failures = max_consecutive_failures
        self.ran: list[tuple[str, bool]] = []  # (trial id, completed) run by this process
        self.last_error: str | None = None
        self._failures_in_a_row = 0
        super().__init__(*args, **kwargs)

    def _populate_initial_space(self):
        # keras-tuner builds a whole model here to discover conditional parameters; the
        # stages' spaces have none, and a builder that raises should fail trials (which
        # are reported), not the tuner's construction.
        hp = self.oracle.get_space()
        self.hypermodel.declare_hyperparameters(hp)
        self.oracle.update_space(hp)

    def on_trial_begin(self, trial):
        self.hypermodel.last = None
        super().on_trial_begin(trial)

    def on_trial_end(self, trial):
        super().on_trial_end(trial)  # the oracle records the trial (FAILED or COMPLETED)
        ok = trial.status == COMPLETED
        self.ran.append((trial.trial_id, ok))
        if not ok:
            self.last_error = results.last_line(trial.message)
        print(results.trial_line(trial.trial_id, self.tuner_id, ok, self.hypermodel.last,
                         trial.message), flush=True)
        self._failures_in_a_row = 0 if ok else self._failures_in_a_row + 1
        if (self.max_consecutive_failures and role() == "single"
                and self._failures_in_a_row >= self.max_consecutive_failures):
            raise SearchAborted(f"{self._failures_in_a_row} trials in a row failed")


class ReportingRandomSearch(ReportingMixin, kt.RandomSearch):
    """keras-tuner's random search, reporting each trial."""


class ReportingHyperband(ReportingMixin, kt.Hyperband):
    """keras-tuner's Hyperband, reporting each trial."""


class ReportingBayesianOptimization(ReportingMixin, kt.BayesianOptimization):
    """keras-tuner's Bayesian optimization, reporting each trial."""


TUNERS = {"random": ReportingRandomSearch, "hyperband": ReportingHyperband,
          "bayesian": ReportingBayesianOptimization}


def make_tuner(stage: types.ModuleType, settings: Settings, directory: str, *,
               max_trials: int | None, overwrite: bool = False, verbose: int = 2,
               max_consecutive_failures: int = 3,
               strategy: tf.distribute.Strategy | None = None,
               execution: Execution | None = None) -> kt.Tuner:
    """A keras-tuner tuner for ``stage`` with its project in ``directory``/keras_tuner.

    Args:
      max_trials: trials in all, counting those of earlier runs in ``directory``. For
        Hyperband, a cap on its schedule; None runs the whole schedule.
      strategy: keras-tuner builds and trains each trial's model under it.
      execution: how the trials' models run (``StageHyperModel``).
    """
    kwargs = dict(hypermodel=StageHyperModel(stage, settings, verbose, execution),
                  objective=kt.Objective(OBJECTIVE, "max"), seed=settings.seed,
                  directory=directory, project_name=PROJECT, overwrite=overwrite,
                  max_consecutive_failed_trials=NEVER,
                  max_consecutive_failures=max_consecutive_failures,
                  distribution_strategy=strategy)
    if settings.tuner == "hyperband":
        kwargs.update(max_epochs=settings.epochs, factor=settings.hyperband_factor)
    else:
        kwargs["max_trials"] = max_trials
    try:
        tuner = TUNERS[settings.tuner](**kwargs)
    except RuntimeError as e:  # keras-tuner's "Error reloading `Oracle`..."
        raise TuningError(f"cannot resume the search in {directory}: {e}") from None
    if settings.tuner == "hyperband":
        tuner.oracle.max_trials = max_trials  # the oracle stops creating trials there
    return tuner


def search(tuner: kt.Tuner, data: SearchData | None, verbose: int = 2) -> str | None:
    """Runs (or continues) the search; returns why it stopped early, or None."""
    try:
        tuner.search(data, verbose=verbose)
    except SearchAborted as e:
        print(f"search stopped: {e}", flush=True)
        return str(e)
    return None


