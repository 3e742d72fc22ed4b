"""A run's model.keras is plain Keras: a fresh Python that never imports mnist_keras loads
it and predicts what the run predicted."""

import dataclasses
import json

import keras
import numpy as np
import pytest

from conftest import run_forked
from mnist_keras import nets, registry
from mnist_keras.execution import settings
from mnist_keras.nets.hparams import override
from mnist_keras.training import graph_train, keras_train

RUNS = {"stage8-keras": ("8", "keras", 10),  # XLA loop, ThreeFry dropout
        "cnn-keras": ("9", "keras", 10),  # fused Adam, the transposed dense gradient
        "stage8-v1": ("8", "v1", 10)}

# Loads each model, checks that nothing of ours was imported and that every class is
# Keras' own, predicts the test images and prints each confusion matrix.
LOADER = """
import json, sys
import keras, numpy as np
images, labels = np.load(sys.argv[1]), np.load(sys.argv[2])
found = {}
for path in sys.argv[3:]:
    model = keras.saving.load_model(path)
    classes = [type(model), type(model.optimizer), *(type(layer) for layer in model.layers)]
    assert all(c.__module__.startswith("keras.") for c in classes), classes
    predictions = model.predict(images, batch_size=1000, verbose=0).argmax(axis=1)
    counts = np.zeros((10, 10), int)
    np.add.at(counts, (labels, predictions), 1)
    found[path] = {"confusion": counts.tolist(), "optimizer": type(model.optimizer).__name__,
                   "iterations": int(model.optimizer.iterations.numpy())}
assert not [m for m in sys.modules if m.split(".")[0] in ("mnist_keras", "stages")]
print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, mnist_data):
    """(run directory, what a fresh Python found in its model.keras) for each of RUNS."""
    tmp = tmp_path_factory.mktemp("runs")
    data = dataclasses.replace(mnist_data, train=mnist_data.train.take(1000),
                               test=mnist_data.test.take(2000))
    np.save(tmp / "images.npy", data.test.images)
    np.save(tmp / "labels.npy", data.test.labels)
    for name, (stage_id, api, steps) in RUNS.items():  # trained here as main would
        hp = override(registry.get(stage_id).HParams(), steps=steps)
        keras.utils.set_random_seed(hp.seed)
        trainer = keras_train.train if api == "keras" else graph_train.train
        trainer(registry.get(stage_id), stage_id, hp, data, str(tmp / name), verbose=0)
    models = [str(tmp / name / "model.keras") for name in RUNS]
    fresh = run_forked("-c", LOADER, str(tmp / "images.npy"), str(tmp / "labels.npy"),
                       *models, cwd=tmp)
    assert fresh.returncode == 0, fresh.stderr[-3000:]
    found = json.loads(fresh.stdout.strip().splitlines()[-1])
    return {name: (tmp / name, found[str(tmp / name / "model.keras")]) for name in RUNS}


@pytest.mark.parametrize("name", list(RUNS))
def test_model_keras_loads_without_mnist_keras(loaded, name):
    run, got = loaded[name]
    metrics = json.loads((run / "metrics.json").read_text())
    assert got["confusion"] == metrics["test_confusion"]  # every prediction the run's
    if RUNS[name][1] == "keras":  # the optimizer's state travels with the weights
        assert (got["optimizer"], got["iterations"]) == ("Adam", RUNS[name][2])
        # trained as its family runs fastest (the trainer's choice), saved as plain Keras
        hp = registry.get(RUNS[name][0]).HParams()
        executed = json.loads((run / "hparams.json").read_text())["execution"]
        assert executed == {**dataclasses.asdict(settings.for_family(
            nets.family(hp).FAMILY)), "strategy": "default"}
