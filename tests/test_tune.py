"""Hyperparameter search in process: the stages' spaces, honest validation, resume and
loud failures, on tiny searches (stage 5, 500 images, 1 epoch); the command and the
chief/worker mode are test_tune_cli.py's."""

import json

import keras_tuner as kt
import pytest

from mnist_keras import registry
from mnist_keras.execution.settings import Execution
from mnist_keras.tuning import hypermodel, results, search, tuners

REQUIRED = ["2", "3", "4", "5", "6", "7", "8", "9", "keras_dropout"]
# Trials here run as plain Keras: what a trial computes does not depend on it, and TF's
# kernels start faster than XLA's compiles (test_tune_cli.py runs the family's).
PLAIN = Execution()


@pytest.fixture(scope="module")
def tiny(small):
    """500 training images and 200 validation images."""
    return hypermodel.SearchData(small.train.take(500), small.validation.take(200))


def test_the_required_stages_have_a_search_space():
    assert set(REQUIRED) <= set(hypermodel.searchable())


@pytest.mark.parametrize("stage_id", hypermodel.searchable(aliases=False))
def test_default_hyperparameters_are_the_stages_own(stage_id):
    stage = registry.get(stage_id)
    hp = kt.HyperParameters()
    assert stage.search_space(hp) == stage.HParams()
    assert hp.space, "a search space with nothing to search"
    model = stage.build_model(stage.search_space(kt.HyperParameters()))
    assert model.count_params() == stage.build_model().count_params()


def _far_end(space) -> dict:
    """Every parameter at its last choice or its maximum."""
    return {p.name: p.values[-1] if isinstance(p, kt.engine.hyperparameters.Choice)
            else p.max_value for p in space}


@pytest.mark.parametrize("stage_id", hypermodel.searchable(aliases=False))
def test_the_far_end_of_each_space_builds_and_differs(stage_id):
    stage = registry.get(stage_id)
    space = kt.HyperParameters()
    stage.search_space(space)
    hp = kt.HyperParameters()
    hp.values.update(_far_end(space.space))
    hparams = stage.search_space(hp)
    assert hparams != stage.HParams()  # the values reach the dataclass
    assert stage.build_model(hparams).count_params() > 0


def test_summary_is_taken_at_the_best_epoch():
    logs = {"val_accuracy": [0.5, 0.9, 0.8], "val_loss": [1.0, 0.3, 0.4],
            "accuracy": [0.4, 0.85, 0.9], "loss": [1.2, 0.4, 0.3]}
    summary = hypermodel.summarize(logs, initial_epoch=2, stopped_early=True)
    assert summary == {"val_accuracy": 0.9, "val_loss": 0.3, "accuracy": 0.85, "loss": 0.4,
                       "best_epoch": 4, "epochs_run": 3, "last_epoch": 5,
                       "stopped_early": 1}


def test_a_search_is_fed_train_and_validation_only(tiny, tmp_path, monkeypatch):
    fed = []
    real = hypermodel.pipeline.make_dataset

    def spy(split, *args, **kwargs):
        fed.append(split)
        return real(split, *args, **kwargs)

    monkeypatch.setattr(hypermodel.pipeline, "make_dataset", spy)
    data = tiny
    assert not hasattr(data, "test")
    settings = hypermodel.Settings(stage="5", tuner="random", epochs=1, patience=1, seed=1234)
    tuner = tuners.make_tuner(registry.get("5"), settings, str(tmp_path), max_trials=2,
                              verbose=0, execution=PLAIN)
    assert tuners.search(tuner, data, verbose=0) is None
    records = results.trial_records(tuner.oracle.trials.values())
    assert [r["status"] for r in records] == ["COMPLETED"] * 2
    assert records[0]["val_accuracy"] >= records[1]["val_accuracy"] > 0
    # Training batches and validation batches, from those two splits and nothing else.
    assert {id(s) for s in fed} == {id(tiny.train), id(tiny.validation)}


def test_resume_refuses_other_settings_and_workers_never_overwrite(tmp_path):
    settings = hypermodel.Settings(stage="5", tuner="random", epochs=1, patience=1, seed=1)
    search.prepare_directory(str(tmp_path), settings, overwrite=False, who="single")
    other = hypermodel.Settings(stage="5", tuner="random", epochs=2, patience=1, seed=1)
    with pytest.raises(hypermodel.TuningError, match=r"holds another search: epochs=1 \(now 2\)"):
        search.prepare_directory(str(tmp_path), other, overwrite=False, who="single")
    with pytest.raises(hypermodel.TuningError, match="--overwrite on a worker"):
        search.prepare_directory(str(tmp_path), settings, overwrite=True, who="worker")
    search.prepare_directory(str(tmp_path), other, overwrite=True, who="single")


def test_incomplete_distributed_environment_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("KERASTUNER_ORACLE_IP", "127.0.0.1")
    monkeypatch.delenv("KERASTUNER_ORACLE_PORT", raising=False)
    monkeypatch.setenv("KERASTUNER_TUNER_ID", "tuner0")
    with pytest.raises(hypermodel.TuningError, match="KERASTUNER_ORACLE_PORT is not"):
        tuners.role()


def test_a_search_whose_every_trial_fails_is_an_error(tmp_path, monkeypatch, capsys):
    def broken(hp):
        raise RuntimeError("broken builder")

    monkeypatch.setattr(registry.get("5"), "build_model", broken)
    settings = hypermodel.Settings(stage="5", tuner="random", epochs=1, patience=1,
                                   seed=1234, train_examples=500)
    with pytest.raises(hypermodel.TuningError) as error:  # the command's one line
        search.tune(settings, str(tmp_path), max_trials=2, verbose=0)
    assert str(error.value).startswith("no trial succeeded: 2 of 2 failed; trial 0: "
                                       "RuntimeError: broken builder")
    assert "trial 1 [tuner0] FAILED: RuntimeError: broken builder" in capsys.readouterr().out
    found = json.loads((tmp_path / "results.json").read_text())
    assert found["counts"]["FAILED"] == 2 and found["final"] is None


def test_hyperband_continues_a_trial_exactly_as_uninterrupted_training(tiny, tmp_path):
    settings = hypermodel.Settings(stage="5", tuner="hyperband", epochs=2, patience=2, seed=7,
                                   hyperband_factor=2)
    stage = registry.get("5")
    data = tiny
    # Bracket 1 comes first: two trials of 1 epoch, then the better one continued to 2.
    tuner = tuners.make_tuner(stage, settings, str(tmp_path), max_trials=3, verbose=0,
                              execution=PLAIN)
    tuners.search(tuner, data, verbose=0)
    records = results.trial_records(tuner.oracle.trials.values())
    assert len(records) == 3
    continued = next(r for r in records if r["warm_start_from"])
    # Weights *and* Adam's state come from the earlier trial's checkpoint, and the batches
    # go on where it stopped: the same numbers as training those epochs in one go.
    trial_model = tuner.hypermodel
    hp = kt.HyperParameters()
    hp.values.update(continued["hyperparameters"])
    again = trial_model.fit(hp, trial_model.build(hp), data, epochs=continued["last_epoch"])
    assert again["best_epoch"] == continued["best_epoch"] == continued["last_epoch"]
    assert again["val_loss"] == continued["val_loss"]
    assert again["val_accuracy"] == continued["val_accuracy"]


@pytest.mark.parametrize("epochs, ran, early", [(4, 2, True), (2, 2, False)])
def test_a_trial_stops_early_only_when_it_runs_fewer_epochs(tiny, epochs, ran, early):
    settings = hypermodel.Settings(stage="5", tuner="random", epochs=epochs, patience=1, seed=1)
    trial_model = hypermodel.StageHyperModel(registry.get("5"), settings, verbose=0,
                                             execution=PLAIN)
    hp = kt.HyperParameters()
    hp.values["learning_rate"] = 0.0  # outside the space: nothing learns, nothing improves
    data = tiny
    summary = trial_model.fit(hp, trial_model.build(hp), data)
    assert (summary["epochs_run"], summary["best_epoch"]) == (ran, 1)
    assert summary["stopped_early"] == early
