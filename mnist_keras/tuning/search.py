"""The whole search command: the directory, the search, the report, the best retrained.

The search receives only the training and validation splits (``hypermodel.SearchData``);
the best hyperparameters are then trained once more with the stage's own setup, and only
that run is evaluated, once, on the test split.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import types

import keras
import keras_tuner as kt
import tensorflow as tf

from mnist_keras import registry
from mnist_keras.data import mnist
from mnist_keras.nets.hparams import Training, override
from mnist_keras.training import atomic, keras_train
from mnist_keras.training.run_dir import HPARAMS_FILE
from mnist_keras.tuning import results as results_lib
from mnist_keras.tuning import tuners
from mnist_keras.tuning.hypermodel import (BEST_RUN, OBJECTIVE, PROJECT, RESULTS_FILE,
                                           SETTINGS_FILE, Settings, TuningError,
                                           search_data)
from mnist_keras.tuning.results import COMPLETED, FAILED

def final_hparams(stage: types.ModuleType, values: dict, seed: int,
                  epochs: int | None = None) -> Training:
    """The stage's hyperparameters with a trial's ``values``: its own training setup."""
    hp = kt.HyperParameters()
    hp.values.update(values)  # registering a parameter returns the value already set
    return override(stage.search_space(hp), seed=seed, epochs=epochs)


def holds_another_run(run_dir: str, hp: Training) -> bool:
    """Whether ``run_dir`` holds a run of other hyperparameters (another trial's)."""
    record = atomic.read_json(os.path.join(run_dir, HPARAMS_FILE))
    return record is not None and record["hparams"] != json.loads(
        json.dumps(dataclasses.asdict(hp)))  # tuples come back from JSON as lists


def retrain_best(stage: types.ModuleType, best: dict, settings: Settings, directory: str,
                 *, source: mnist.Source, epochs: int | None = None, verbose: int = 2,
                 strategy: tf.distribute.Strategy | None = None) -> dict:
    """Trains the best trial's hyperparameters with the stage's own setup; tests it once.

    The run goes to ``directory``/best_run through ``keras_train.train``, so it prints
    the tutorial's lines and resumes from its last commit if interrupted; a finished run
    of the same hyperparameters there is reused, not trained again.
    """
    hp = final_hparams(stage, best["hyperparameters"], settings.seed, epochs)
    run_dir = os.path.join(directory, BEST_RUN)
    data = mnist.load(source, full_train=hp.full_train,
                      train_examples=settings.train_examples)
    keras.utils.set_random_seed(hp.seed)  # as python -m mnist_keras seeds a run
    metrics = keras_train.train(stage, settings.stage, hp, data, run_dir, verbose=verbose,
                                strategy=strategy,
                                restart=holds_another_run(run_dir, hp))
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
    saved = atomic.read_json(path)
    wanted = dataclasses.asdict(settings)
    if saved is not None and saved != wanted:
        diff = ", ".join(f"{k}={saved.get(k)!r} (now {v!r})" for k, v in wanted.items()
                         if saved.get(k) != v)
        raise TuningError(f"{directory} holds another search: {diff}; run it with the "
                          "same settings to resume, or pass --overwrite or another "
                          "--directory")
    if who != "worker":
        atomic.write_json(path, wanted)


def tune(settings: Settings, directory: str, *, max_trials: int | None,
         source: mnist.Source | None = None, overwrite: bool = False,
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
    who = tuners.role()
    prepare_directory(directory, settings, overwrite, who)
    # The chief only serves the oracle; the workers train, on the search split only.
    source = source or mnist.resolve_source()
    data = None if who == "chief" else search_data(source, settings.train_examples)
    tuner = tuners.make_tuner(stage, settings, directory, max_trials=max_trials,
                       overwrite=overwrite, verbose=verbose,
                       max_consecutive_failures=max_consecutive_failures, strategy=strategy)
    stopped = tuners.search(tuner, data, verbose)
    if who == "worker":
        return worker_summary(tuner)
    return report(stage, tuner.oracle.trials.values(), settings, directory,
                  source=source, final_epochs=final_epochs, top=top, verbose=verbose,
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
           source: mnist.Source, final_epochs: int | None, top: int, verbose: int,
           stopped: str | None, export_root: str | None = None, tflite: bool = False,
           strategy: tf.distribute.Strategy | None = None) -> dict:
    """Prints and writes the table, then retrains and tests (and exports) the best."""
    records = results_lib.trial_records(trials)
    results = {"stage": settings.stage, "name": stage.NAME,
               "objective": f"{OBJECTIVE} (max) on the validation split",
               "validation_images": mnist.VALIDATION_SIZE,
               "settings": dataclasses.asdict(settings), "search_stopped": stopped,
               "counts": results_lib.count(records), "trials": records, "final": None,
               "export": None}
    path = os.path.join(directory, RESULTS_FILE)
    atomic.write_json(path, results)  # before the final run, which may take long
    print(results_lib.format_table(records, top), flush=True)
    done = [r for r in records if r["status"] == COMPLETED]
    if not done:
        raise TuningError(no_success(records, directory))
    results["final"] = retrain_best(stage, done[0], settings, directory,
                                    source=source, epochs=final_epochs,
                                    verbose=verbose, strategy=strategy)
    atomic.write_json(path, results)
    print(final_line(results["final"]), flush=True)
    if export_root:
        results["export"] = export_best(results["final"]["run_dir"], export_root, tflite)
        atomic.write_json(path, results)
        print(f"exported to {results['export']}", flush=True)
    return results


def export_best(run_dir: str, export_root: str, tflite: bool = False) -> str:
    """Exports the final run with ``mnist_keras.export``; returns the version directory.

    Every call writes a new version (the exporter never overwrites one).
    """
    from mnist_keras.serving import exporter  # TF Serving/TFLite, only when asked for

    try:
        return exporter.export_run(run_dir, export_root=export_root, tflite=tflite)
    except exporter.ExportError as e:
        raise TuningError(f"export failed: {e}") from None


def no_success(records: list[dict], directory: str) -> str:
    """The one-line error for a search in which no trial succeeded."""
    if not records:
        return "the search finished without running a single trial"
    first = next((r for r in records if r["error"]), records[0])
    failed = results_lib.count(records)[FAILED]
    return (f"no trial succeeded: {failed} of {len(records)} failed; "
            f"trial {first['trial_id']}: {first['error'] or 'cut off'} (tracebacks in "
            f"{os.path.join(directory, PROJECT, 'trial_*', 'trial.json')})")


def final_line(final: dict) -> str:
    """The closing line: the best trial's test accuracy after its own full training."""
    what = (f"{final['epochs']} epochs" if final["epochs"] is not None
            else f"{final['steps']} steps")
    return (f"Best trial {final['trial_id']}, retrained ({what} on "
            f"{final['train_images']:,} images): test accuracy "
            f"{final['test_accuracy']:.4f} (the tutorial: "
            f"{final['tutorial_accuracy'] or 'none; beyond the tutorials'}); "
            f"run in {final['run_dir']}")
