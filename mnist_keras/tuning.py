"""Hyperparameter search for one stage with keras-tuner, validated honestly.

The ladder of text 002 is a story of hand-tuning: the learning rate by powers of ten,
then initialisers, width, depth and dropout. Here keras-tuner runs that search instead.

* **The space** is the stage's own ``search_space(hp) -> HParams`` (beside its builder,
  in ``stages/``); the builder is untouched, so a trial trains exactly the model
  ``python -m mnist_keras`` would build with those values.
* **The objective** is ``val_accuracy`` on the 5,000-image validation split (TF1's
  55,000/5,000 split, even for stages that train on all 60,000). The search receives a
  :class:`SearchData`, which has no test split at all. Each trial stops early when
  validation accuracy stops improving.
* **Afterwards** the best hyperparameters are trained once more with the stage's own
  training setup (its epochs or steps, its 55,000 or 60,000 images) by ``train.run``, and
  only that run is evaluated, once, on the test split.
* **Failures are loud**: keras-tuner records a trial that raised as FAILED and goes on;
  each one is printed and listed, and a search with no successful trial is an error.
* **Resume**: the same ``directory`` continues the search; finished trials are not rerun.
* **Distributed**: keras-tuner's chief/worker mode (``KERASTUNER_TUNER_ID``,
  ``KERASTUNER_ORACLE_IP``, ``KERASTUNER_ORACLE_PORT``): workers run trials, the chief
  holds the oracle, then writes the results and retrains the best.

A directory holds ``search.json`` (the settings; a resume must match them),
``keras_tuner/`` (keras-tuner's own oracle and trial files), ``results.json`` (the table
below as JSON, plus the final run) and ``best_run/`` (the final run's files, as
``python -m mnist_keras`` writes them).
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil
import types

import keras
import keras_tuner as kt
import tensorflow as tf

from mnist_keras import data as data_lib
from mnist_keras import distribute, registry, runs, train
from mnist_keras.nets import common

OBJECTIVE = "val_accuracy"
PROJECT = "keras_tuner"  # keras-tuner's project directory inside the search directory
SETTINGS_FILE = "search.json"
RESULTS_FILE = "results.json"
BEST_RUN = "best_run"
COMPLETED = kt.engine.trial.TrialStatus.COMPLETED
FAILED = kt.engine.trial.TrialStatus.FAILED
# keras-tuner's own "N consecutive failures" stop raises inside the oracle: that makes a
# resumed search fail again at once, and in distributed mode it leaves the chief waiting
# for ever. It is switched off; ReportingMixin stops a local search itself instead.
NEVER = 10**9
# Metrics a trial reports besides the objective; every one is a number, for the gRPC proto.
TRIAL_METRICS = ("val_loss", "accuracy", "loss", "best_epoch", "epochs_run", "last_epoch",
                 "stopped_early")


class TuningError(Exception):
    """Bad input or a search with nothing to show; the entry point prints it as one line."""


class SearchAborted(Exception):
    """Too many trials in a row failed in this process; the search stops early."""


@dataclasses.dataclass(frozen=True)
class SearchData:
    """What a search may see: training and validation images. There is no test split."""

    train: data_lib.Split
    validation: data_lib.Split


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


def searchable() -> list[str]:
    """The stage ids whose module has a ``search_space``."""
    return [k for k, m in registry.STAGES.items() if hasattr(m, "search_space")]


def default_epochs(stage: types.ModuleType) -> int:
    """The stage's own epochs; for a stage trained in steps, the epochs those steps make."""
    hp = stage.HParams()
    if hp.steps is None:
        return hp.epochs
    train_images = data_lib.IDX_FILES["train_labels"].count - data_lib.VALIDATION_SIZE
    return math.ceil(hp.steps * hp.batch_size / train_images)


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


def search_data(data_dir: str | None, train_examples: int | None) -> SearchData:
    """TF1's 55,000/5,000 split, always (stages that train on 60,000 included)."""
    mnist = data_lib.load(data_dir, full_train=False, train_examples=train_examples)
    return SearchData(mnist.train, mnist.validation)  # the test split stays behind


class StageHyperModel(kt.HyperModel):
    """A stage as keras-tuner sees it: its search space, its builder, a trial's training."""

    def __init__(self, stage: types.ModuleType, settings: Settings, verbose: int = 2):
        super().__init__(name=stage.NAME)
        self.stage, self.settings, self.verbose = stage, settings, verbose
        self.last: dict | None = None  # the latest trial's summary, for its progress line

    def declare_hyperparameters(self, hp: kt.HyperParameters) -> None:
        self.stage.search_space(hp)

    def hparams(self, hp: kt.HyperParameters) -> common.Training:
        """The stage's hyperparameters with the trial's values and the search's seed."""
        return dataclasses.replace(self.stage.search_space(hp), seed=self.settings.seed)

    def build(self, hp: kt.HyperParameters) -> keras.Model:
        # Under a trial's distribution_strategy, the settings Keras' fit can run there.
        hparams = distribute.fit_settings(self.hparams(hp), tf.distribute.get_strategy())
        keras.utils.set_random_seed(hparams.seed)  # every trial starts from the same seed
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
        train.fit_steps_per_execution(model, batches)  # else Keras over-runs short epochs
        train_ds = data_lib.make_dataset(
            data.train, hparams.batch_size, seed=hparams.seed, start=initial_epoch * batches,
            num_batches=(epochs - initial_epoch) * batches)  # the batches train.fit uses
        val_ds = data_lib.make_dataset(data.validation, train.EVAL_BATCH)
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
            self.last_error = last_line(trial.message)
        print(trial_line(trial.trial_id, self.tuner_id, ok, self.hypermodel.last,
                         trial.message), flush=True)
        self._failures_in_a_row = 0 if ok else self._failures_in_a_row + 1
        if (self.max_consecutive_failures and role() == "single"
                and self._failures_in_a_row >= self.max_consecutive_failures):
            raise SearchAborted(f"{self._failures_in_a_row} trials in a row failed")


def last_line(message: str | None) -> str:
    """The last non-empty line of a traceback: the exception and its message."""
    lines = [line.strip() for line in (message or "").splitlines() if line.strip()]
    return lines[-1] if lines else f"no traceback: {OBJECTIVE} was missing or NaN"


def trial_line(trial_id: str, tuner_id: str, ok: bool, summary: dict | None,
               message: str | None) -> str:
    """One line of progress for a finished trial."""
    if not ok:
        return f"trial {trial_id} [{tuner_id}] FAILED: {last_line(message)}"
    early = ", stopped early" if summary["stopped_early"] else ""
    return (f"trial {trial_id} [{tuner_id}] COMPLETED: {OBJECTIVE} "
            f"{summary[OBJECTIVE]:.4f} at epoch {summary['best_epoch']} of "
            f"{summary['last_epoch']}{early}")


TUNERS = {"random": kt.RandomSearch, "hyperband": kt.Hyperband,
          "bayesian": kt.BayesianOptimization}


def make_tuner(stage: types.ModuleType, settings: Settings, directory: str, *,
               max_trials: int | None, overwrite: bool = False, verbose: int = 2,
               max_consecutive_failures: int = 3,
               strategy: tf.distribute.Strategy | None = None) -> kt.Tuner:
    """A keras-tuner tuner for ``stage`` with its project in ``directory``/keras_tuner.

    Args:
      max_trials: trials in all, counting those of earlier runs in ``directory``. For
        Hyperband, a cap on its schedule; None runs the whole schedule.
      strategy: keras-tuner builds and trains each trial's model under it.
    """
    base = TUNERS[settings.tuner]
    cls = type(f"Reporting{base.__name__}", (ReportingMixin, base), {})
    kwargs = dict(hypermodel=StageHyperModel(stage, settings, verbose),
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
        tuner = cls(**kwargs)
    except RuntimeError as e:  # keras-tuner's "Error reloading `Oracle`..."
        raise TuningError(f"cannot resume the search in {directory}: {e}") from None
    if settings.tuner == "hyperband":
        tuner.oracle.max_trials = max_trials  # the oracle stops creating trials there
    return tuner


def run_search(tuner: kt.Tuner, data: SearchData | None, verbose: int = 2) -> str | None:
    """Runs (or continues) the search; returns why it stopped early, or None."""
    try:
        tuner.search(data, verbose=verbose)
    except SearchAborted as e:
        print(f"search stopped: {e}", flush=True)
        return str(e)
    return None


def status_of(trial) -> str:
    """COMPLETED, FAILED (it raised, or its objective was NaN) or UNFINISHED (cut off)."""
    if trial.status == COMPLETED:
        return COMPLETED
    return FAILED if trial.status in (FAILED, "INVALID") else "UNFINISHED"


def trial_record(trial) -> dict:
    """One trial as ``results.json`` lists it."""
    values = dict(trial.hyperparameters.values)
    metrics = {name: (trial.metrics.get_last_value(name) if trial.metrics.exists(name)
                      else None) for name in (OBJECTIVE, *TRIAL_METRICS)}
    for name in ("best_epoch", "epochs_run", "last_epoch", "stopped_early"):
        metrics[name] = None if metrics[name] is None else int(metrics[name])
    return {"trial_id": trial.trial_id, "status": status_of(trial),
            **metrics, "stopped_early": bool(metrics["stopped_early"]),
            "warm_start_from": values.get("tuner/trial_id"),
            "hyperparameters": {k: v for k, v in values.items()
                                if not k.startswith("tuner/")},
            "error": last_line(trial.message) if status_of(trial) == FAILED else None}


def trial_records(trials) -> list[dict]:
    """Completed trials best first (with their ``rank``), then the failed ones."""
    records = sorted((trial_record(t) for t in trials), key=lambda r: int(r["trial_id"]))
    done = sorted((r for r in records if r["status"] == COMPLETED),
                  key=lambda r: -r[OBJECTIVE])
    for rank, record in enumerate(done, start=1):
        record["rank"] = rank
    return done + [r for r in records if r["status"] != COMPLETED]


def count(records: list[dict]) -> dict:
    """How many trials completed, failed, or were cut off (a killed run's last)."""
    return {status: sum(r["status"] == status for r in records)
            for status in (COMPLETED, FAILED, "UNFINISHED")}


def _cell(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}"
    return "-" if value is None else str(value)


def format_table(records: list[dict], top: int = 10) -> str:
    """The ``top`` completed trials as a text table, then a line per failed trial."""
    done = [r for r in records if r["status"] == COMPLETED][:top]
    names = sorted({name for r in done for name in r["hyperparameters"]})
    warm = any(r["warm_start_from"] for r in done)  # Hyperband continues earlier trials
    header = ["rank", "trial", OBJECTIVE, "epochs", "best_epoch", *(["from"] * warm), *names]
    rows = [[str(r["rank"]), r["trial_id"], f"{r[OBJECTIVE]:.4f}",
             f"{r['last_epoch']}{' (early)' if r['stopped_early'] else ''}",
             str(r["best_epoch"]), *([_cell(r["warm_start_from"])] * warm),
             *(_cell(r["hyperparameters"].get(n)) for n in names)]
            for r in done]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
             for row in ([header, *rows] if rows else [])]
    counts = count(records)
    lines.insert(0, f"Top {len(done)} of {counts[COMPLETED]} completed trials "
                    f"({counts[FAILED]} failed), by {OBJECTIVE} on the validation split:")
    lines += [f"{r['status']} trial {r['trial_id']}: {r['error'] or 'cut off'}"
              for r in records if r["status"] != COMPLETED]
    return "\n".join(lines)


def final_hparams(stage: types.ModuleType, values: dict, seed: int,
                  epochs: int | None = None) -> common.Training:
    """The stage's hyperparameters with a trial's ``values``: its own training setup."""
    hp = kt.HyperParameters()
    hp.values.update(values)  # registering a parameter returns the value already set
    return common.override(stage.search_space(hp), seed=seed, epochs=epochs)


def completed_run(run_dir: str, hp: common.Training) -> dict | None:
    """The metrics of a finished run of exactly ``hp`` in ``run_dir``, else None."""
    record = runs.read_json(os.path.join(run_dir, runs.HPARAMS_FILE))
    same = record is not None and record["hparams"] == json.loads(
        json.dumps(dataclasses.asdict(hp)))  # tuples come back from JSON as lists
    if not same:
        shutil.rmtree(run_dir, ignore_errors=True)  # another trial's run, or a stale one
        return None
    return runs.read_json(os.path.join(run_dir, runs.METRICS_FILE))


def retrain_best(stage: types.ModuleType, best: dict, settings: Settings, directory: str,
                 *, data_dir: str | None, epochs: int | None = None, verbose: int = 2,
                 strategy: tf.distribute.Strategy | None = None) -> dict:
    """Trains the best trial's hyperparameters with the stage's own setup; tests it once.

    The run goes to ``directory``/best_run through ``train.run``, so it prints the
    tutorial's lines and resumes from its checkpoint if interrupted; a finished run of
    the same hyperparameters there is reused, not trained again.
    """
    hp = final_hparams(stage, best["hyperparameters"], settings.seed, epochs)
    run_dir = os.path.join(directory, BEST_RUN)
    metrics = completed_run(run_dir, hp)
    if metrics is None:
        mnist = data_lib.load(data_dir, full_train=hp.full_train,
                              train_examples=settings.train_examples)
        keras.utils.set_random_seed(hp.seed)  # as python -m mnist_keras seeds a run
        metrics = train.run(stage, settings.stage, hp, mnist, run_dir, verbose=verbose,
                            strategy=strategy)
    else:
        print(f"{run_dir} already holds this run; not training it again")
    return {"trial_id": best["trial_id"], "run_dir": run_dir,
            "hparams": dataclasses.asdict(hp),
            **{k: metrics.get(k) for k in ("test_accuracy", "test_loss", "train_accuracy",
                                           "epochs", "steps", "train_images",
                                           "wall_time_s")},
            "tutorial_accuracy": stage.TUTORIAL_ACCURACY}


def prepare_directory(directory: str, settings: Settings, overwrite: bool, who: str) -> None:
    """Starts afresh (``overwrite``), or checks that a resume has the same settings.

    Raises:
      TuningError: a worker asked to overwrite, or the directory holds another search.
    """
    path = os.path.join(directory, SETTINGS_FILE)
    if overwrite and who == "worker":
        raise TuningError("--overwrite on a worker would delete the chief's search; "
                          "give it to the chief only")
    if overwrite:  # only what a search writes: the directory may hold other things
        for name in (PROJECT, BEST_RUN):
            shutil.rmtree(os.path.join(directory, name), ignore_errors=True)
        for name in (RESULTS_FILE, SETTINGS_FILE):
            if os.path.exists(os.path.join(directory, name)):
                os.remove(os.path.join(directory, name))
    saved = runs.read_json(path)
    wanted = dataclasses.asdict(settings)
    if saved is not None and saved != wanted:
        diff = ", ".join(f"{k}={saved.get(k)!r} (now {v!r})" for k, v in wanted.items()
                         if saved.get(k) != v)
        raise TuningError(f"{directory} holds another search: {diff}; run it with the "
                          "same settings to resume, or pass --overwrite or another "
                          "--directory")
    if who != "worker":
        runs.write_json(path, wanted)


def tune(settings: Settings, directory: str, *, max_trials: int | None,
         data_dir: str | None = None, overwrite: bool = False,
         final_epochs: int | None = None, top: int = 10, verbose: int = 2,
         max_consecutive_failures: int = 3, export_root: str | None = None,
         tflite: bool = False,
         strategy: tf.distribute.Strategy | None = None) -> dict | None:
    """Searches, reports, and retrains the best: the whole of ``python -m mnist_keras.tune``.

    Args:
      export_root: if given, the final run is exported there with ``mnist_keras.export``.
      strategy: every trial, and the final run, train under it (``mnist_keras.distribute``).

    Returns:
      What ``results.json`` holds; None on a distributed worker (the chief reports).

    Raises:
      TuningError: bad settings for ``directory``, or no trial succeeded.
    """
    stage = registry.get(settings.stage)
    who = role()
    prepare_directory(directory, settings, overwrite, who)
    # The chief only serves the oracle; the workers train, on the search split only.
    data = None if who == "chief" else search_data(data_dir, settings.train_examples)
    tuner = make_tuner(stage, settings, directory, max_trials=max_trials,
                       overwrite=overwrite, verbose=verbose,
                       max_consecutive_failures=max_consecutive_failures, strategy=strategy)
    stopped = run_search(tuner, data, verbose)
    if who == "worker":
        return worker_summary(tuner)
    return report(stage, tuner.oracle.trials.values(), settings, directory,
                  data_dir=data_dir, final_epochs=final_epochs, top=top, verbose=verbose,
                  stopped=stopped, export_root=export_root, tflite=tflite, strategy=strategy)


def worker_summary(tuner: kt.Tuner) -> None:
    """A worker's closing line; an error if every trial it ran failed."""
    done = sum(ok for _, ok in tuner.ran)
    print(f"worker {tuner.tuner_id}: ran {len(tuner.ran)} trials, {done} completed; "
          "the chief writes the results", flush=True)
    if tuner.ran and not done:
        raise TuningError(f"all {len(tuner.ran)} trials of worker {tuner.tuner_id} "
                          f"failed; last error: {tuner.last_error}")


def report(stage: types.ModuleType, trials, settings: Settings, directory: str, *,
           data_dir: str | None, final_epochs: int | None, top: int, verbose: int,
           stopped: str | None, export_root: str | None = None, tflite: bool = False,
           strategy: tf.distribute.Strategy | None = None) -> dict:
    """Prints and writes the table, then retrains and tests (and exports) the best."""
    records = trial_records(trials)
    results = {"stage": settings.stage, "name": stage.NAME,
               "objective": f"{OBJECTIVE} (max) on the validation split",
               "validation_images": data_lib.VALIDATION_SIZE,
               "settings": dataclasses.asdict(settings), "search_stopped": stopped,
               "counts": count(records), "trials": records, "final": None,
               "export": None}
    path = os.path.join(directory, RESULTS_FILE)
    runs.write_json(path, results)  # before the final run, which may take long
    print(format_table(records, top), flush=True)
    done = [r for r in records if r["status"] == COMPLETED]
    if not done:
        raise TuningError(no_success(records, directory))
    results["final"] = retrain_best(stage, done[0], settings, directory,
                                    data_dir=data_dir, epochs=final_epochs,
                                    verbose=verbose, strategy=strategy)
    runs.write_json(path, results)
    print(final_line(results["final"]), flush=True)
    if export_root:
        results["export"] = export_best(results["final"]["run_dir"], export_root, tflite)
        runs.write_json(path, results)
        print(f"exported to {results['export']}", flush=True)
    return results


def export_best(run_dir: str, export_root: str, tflite: bool = False) -> str:
    """Exports the final run with ``mnist_keras.export``; returns the version directory.

    Every call writes a new version (the exporter never overwrites one).
    """
    from mnist_keras import export  # TF Serving/TFLite machinery, only when asked for

    try:
        return export.export_run(run_dir, export_root=export_root, tflite=tflite)
    except export.ExportError as e:
        raise TuningError(f"export failed: {e}") from None


def no_success(records: list[dict], directory: str) -> str:
    """The one-line error for a search in which no trial succeeded."""
    if not records:
        return "the search finished without running a single trial"
    first = next((r for r in records if r["error"]), records[0])
    return (f"no trial succeeded: {count(records)[FAILED]} of {len(records)} failed; "
            f"trial {first['trial_id']}: {first['error'] or 'cut off'} (tracebacks in "
            f"{os.path.join(directory, PROJECT, 'trial_*', 'trial.json')})")


def final_line(final: dict) -> str:
    """The closing line: the best trial's test accuracy after its own full training."""
    what = (f"{final['epochs']} epochs" if final["epochs"] is not None
            else f"{final['steps']} steps")
    return (f"Best trial {final['trial_id']}, retrained ({what} on "
            f"{final['train_images']:,} images): test accuracy "
            f"{final['test_accuracy']:.4f} (the tutorial: {final['tutorial_accuracy']}); "
            f"run in {final['run_dir']}")
