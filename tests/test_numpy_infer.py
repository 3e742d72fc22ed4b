"""NumPy inference (text 004) gives the Keras model's predictions, with a safe softmax."""

import dataclasses

import numpy as np
import pytest

from conftest import run_in_process
from mnist_keras.execution import settings
from mnist_keras.serving import numpy_net as numpy_infer
from mnist_keras.training import scoring
from stages import experts_cnn, numpy_sigmoid, softmax_hidden, stage8


def test_softmax_survives_huge_logits():
    logits = np.array([[1e4, 0.0, -1e4], [3.0, 3.0, 3.0]])
    with np.errstate(over="raise", invalid="raise"):  # overflow or NaN would raise
        p = numpy_infer.softmax(logits)
        single = numpy_infer.softmax(logits[0])
        s = numpy_infer.sigmoid(np.array([-1e4, 0.0, 1e4]))
    np.testing.assert_allclose(p, [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3]])
    np.testing.assert_allclose(single, [1, 0, 0])
    np.testing.assert_allclose(s, [0, 0.5, 1])


@pytest.mark.parametrize("stage", [numpy_sigmoid, stage8, softmax_hidden],
                         ids=lambda s: s.NAME)
def test_numpy_equals_keras_on_the_same_weights(stage, mnist_data, tmp_path):
    model = stage.build_model()
    rng = np.random.default_rng(0)  # move zero biases off zero, so every weight matters
    model.set_weights([w + rng.normal(0, 0.01, w.shape).astype(w.dtype)
                       for w in model.get_weights()])
    path = str(tmp_path / "w.npz")
    numpy_infer.export_weights(model, path)
    net = numpy_infer.load_weights(path)
    images = mnist_data.test.images
    expected = np.exp(model(images, training=False).numpy().astype(np.float64))
    expected /= expected.sum(1, keepdims=True)
    got = net.probabilities(images)
    np.testing.assert_array_equal(got.argmax(1), expected.argmax(1))  # all 10,000 images
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5)
    # One image (a vector-matrix product) vs the batch: float32 rounding only.
    np.testing.assert_allclose(net.probabilities(images[7]), got[7], rtol=0, atol=1e-6)


def test_loops_give_the_same_accuracy(small, tmp_path):
    hp = dataclasses.replace(numpy_sigmoid.HParams(), epochs=3)
    model = numpy_sigmoid.build_model(hp)
    model.fit(small.train.images, small.train.labels, batch_size=hp.batch_size,
              epochs=hp.epochs, verbose=0)
    numpy_infer.export_weights(model, str(tmp_path / "w.npz"))
    net = numpy_infer.load_weights(str(tmp_path / "w.npz"))
    one, _ = numpy_infer.accuracy_one_at_a_time(net, small.test.images, small.test.labels)
    batched, _ = numpy_infer.accuracy_batched(net, small.test.images, small.test.labels, 100)
    keras_acc = np.mean(scoring.batched_logits(model.predict_on_batch, small.test.images)
                        .argmax(1) == small.test.labels)
    assert one == batched == pytest.approx(keras_acc, abs=1e-3)
    assert one > 0.5  # it learned something (chance is 0.1)


def test_refuses_a_model_that_is_not_dense_only(tmp_path):
    with pytest.raises(ValueError, match="not a Dense-only model: it has Reshape"):
        numpy_infer.export_weights(experts_cnn.build_model(), str(tmp_path / "w.npz"))


def test_never_unpickles(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, activation=np.array("sigmoid"), W1=np.array([object()], dtype=object),
             b1=np.zeros(1))
    with pytest.raises(ValueError, match="allow_pickle"):
        numpy_infer.load_weights(str(path))


def test_cli_exports_then_prints_both_loops(tmp_path):
    with settings.scope(settings.portable(settings.for_family("mlp"))):  # as a run saves it
        model = numpy_sigmoid.build_model()
    model.save(tmp_path / "model.keras")
    weights = tmp_path / "weights.npz"
    exported, result = run_in_process({"mnist_keras.numpy_infer": [
        ["--export", f"--model={tmp_path / 'model.keras'}", f"--weights={weights}"],
        [f"--weights={weights}", "--batch_size=100"]]})["mnist_keras.numpy_infer"]
    assert exported["status"] == 0, exported["stderr"][-2000:]
    assert result["status"] == 0, result["stderr"][-2000:]
    lines = result["stdout"].splitlines()
    assert lines[0].startswith("Accuracy (one image at a time): ")
    assert lines[1].startswith("Accuracy (batches of 100): ")
    assert lines[0].split(":")[1].split()[0] == lines[1].split(":")[1].split()[0]
    assert "images/s" in lines[1] and lines[2].startswith("Batching speed-up: ")
