"""A run's model.keras is plain Keras: a fresh Python that never imports mnist_keras loads
it and predicts what the run predicted."""

import json
import subprocess
import sys

import pytest

from conftest import clean_env, run_cli

# Loads the model, checks that nothing of ours was imported and that every class is
# Keras' own, predicts the test images, prints the confusion matrix.
LOADER = """
import json, sys
import keras, numpy as np
model = keras.saving.load_model(sys.argv[1])
assert not [m for m in sys.modules if m.split(".")[0] in ("mnist_keras", "stages")]
classes = [type(model), type(model.optimizer), *(type(layer) for layer in model.layers)]
assert all(c.__module__.startswith("keras.") for c in classes), classes
images = np.load(sys.argv[2])
labels = np.load(sys.argv[3])
predictions = model.predict(images, batch_size=1000, verbose=0).argmax(axis=1)
counts = np.zeros((10, 10), int)
np.add.at(counts, (labels, predictions), 1)
print(json.dumps({"confusion": counts.tolist(), "optimizer": type(model.optimizer).__name__,
                  "iterations": int(model.optimizer.iterations.numpy())}))
"""


@pytest.fixture(scope="module")
def test_arrays(tmp_path_factory, mnist_data):
    import numpy as np

    directory = tmp_path_factory.mktemp("arrays")
    np.save(directory / "images.npy", mnist_data.test.images)
    np.save(directory / "labels.npy", mnist_data.test.labels)
    return directory / "images.npy", directory / "labels.npy"


@pytest.mark.parametrize("stage, api, steps", [
    ("8", "keras", 30),  # XLA loop, ThreeFry dropout
    ("9", "keras", 20),  # fused Adam, the transposed dense gradient
    ("8", "v1", 30),
])
def test_model_keras_loads_without_mnist_keras(tmp_path, test_arrays, stage, api, steps):
    run = tmp_path / "run"
    result = run_cli("mnist_keras", f"--stage={stage}", f"--api={api}", f"--steps={steps}",
                     "--train_examples=3000", f"--model_dir={run}", "--verbose=0")
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = subprocess.run([sys.executable, "-c", LOADER, str(run / "model.keras"),
                             *map(str, test_arrays)], cwd=tmp_path, env=clean_env(),
                            capture_output=True, text=True, timeout=300)
    assert loaded.returncode == 0, loaded.stderr[-3000:]
    got = json.loads(loaded.stdout.strip().splitlines()[-1])
    metrics = json.loads((run / "metrics.json").read_text())
    assert got["confusion"] == metrics["test_confusion"]  # every prediction the run's
    if api == "keras":  # the optimizer's state travels with the weights
        assert (got["optimizer"], got["iterations"]) == ("Adam", steps)
