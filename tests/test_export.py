"""Export: versioned SavedModels that saved_model_cli, tf.saved_model.load, TFLite accept."""

import filecmp
import os
import re

import numpy as np
import pytest
import tensorflow as tf

from conftest import run_forked, run_forked_together
from mnist_keras.serving import exporter as export
from mnist_keras.training import scoring

SIGNATURE_NAMES = {"serving_default", "serving_flat", "serving_uint8", "predict_images"}


def _softmax(logits):
    shifted = logits.astype(np.float64) - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


@pytest.fixture(scope="module")
def run_dir(stage5_run):
    """The test run's shared stage-5 run (1 epoch: accuracy does not matter here)."""
    return stage5_run["run_dir"]


@pytest.fixture(scope="module")
def exported(stage5_run):
    """(export root, version 1 with TFLite) of ``run_dir``, as its command exported it."""
    return stage5_run["export_root"], stage5_run["version_dir"]


@pytest.fixture(scope="module")
def expected(run_dir, small):
    """(test images [500, 784], the in-memory model's softmax of its logits)."""
    model = export.load_run(run_dir)[0]
    images = small.test.images[:500]
    return images, _softmax(scoring.batched_logits(model.predict_on_batch, images))


def _inputs(images):
    """The same images as each signature takes them (MNIST pixels are exactly k/255)."""
    return {"serving_default": images.reshape(-1, 28, 28),
            "serving_flat": images,
            "serving_uint8": np.round(images * 255).astype(np.uint8).reshape(-1, 28, 28),
            "predict_images": images}


def _probabilities(outputs) -> dict:
    """{"probabilities", "classes"} of a signature's outputs; TF Serving's tutorial
    signature (``predict_images``) names its probabilities ``scores`` and has no classes."""
    if "scores" in outputs:
        assert set(outputs) == {"scores"}
        return {"probabilities": outputs["scores"],
                "classes": np.argmax(np.asarray(outputs["scores"]), axis=1)}
    assert set(outputs) == {"probabilities", "classes"}
    return outputs


def test_layout_is_tf_serving_with_the_runs_files(run_dir, exported):
    root, version_dir = exported
    assert version_dir == os.path.join(root, "stage5", "1")
    assert os.listdir(os.path.join(root, "stage5")) == ["1"]  # no temporary left
    for name in ("saved_model.pb", "variables", "model.tflite"):
        assert os.path.exists(os.path.join(version_dir, name)), name
    for name in ("hparams.json", "metrics.json"):
        assert filecmp.cmp(os.path.join(run_dir, name),
                           os.path.join(version_dir, "assets.extra", name), shallow=False)


def test_signatures_give_the_models_probabilities(exported, expected):
    images, probs = expected
    loaded = tf.saved_model.load(exported[1])
    assert set(loaded.signatures) == SIGNATURE_NAMES
    for name, batch in _inputs(images).items():
        signature = loaded.signatures[name]
        arg = next(iter(signature.structured_input_signature[1]))
        outputs = _probabilities(signature(**{arg: tf.constant(batch)}))
        assert outputs["probabilities"].shape == (500, 10)
        np.testing.assert_allclose(np.asarray(outputs["probabilities"]), probs, atol=1e-5)
        if name != "predict_images":
            assert outputs["classes"].dtype == tf.int64
        np.testing.assert_array_equal(np.asarray(outputs["classes"]), probs.argmax(axis=1))


# TensorFlow's saved_model_cli, as its console script runs it.
SAVED_MODEL_CLI = ("import sys\n"
                   "from tensorflow.python.tools.saved_model_cli import main\n"
                   "sys.argv[0] = 'saved_model_cli'\n"
                   "sys.exit(main())\n")


def _cli(*commands):
    """What saved_model_cli printed for each of ``commands``, run side by side."""
    results = run_forked_together([("-c", SAVED_MODEL_CLI, *args) for args in commands],
                                  [None] * len(commands))
    for result in results:
        assert result.returncode == 0, result.stderr[-2000:]
    return [result.stdout for result in results]


def test_saved_model_cli_shows_and_runs_the_signatures(exported, expected, tmp_path):
    version_dir = exported[1]
    images, probs = expected
    np.save(tmp_path / "x.npy", images[:20].reshape(-1, 28, 28))
    shown, _ = _cli(("show", "--dir", version_dir, "--all"),
                    ("run", "--dir", version_dir, "--tag_set", "serve", "--signature_def",
                     "serving_default", "--inputs", f"images={tmp_path / 'x.npy'}",
                     "--outdir", str(tmp_path / "out")))
    default = shown.split("signature_def['serving_default']:")[1].split("signature_def[")[0]
    for text in ("inputs['images'] tensor_info:\n        dtype: DT_FLOAT\n"
                 "        shape: (-1, 28, 28)",
                 "outputs['probabilities'] tensor_info:\n        dtype: DT_FLOAT\n"
                 "        shape: (-1, 10)",
                 "outputs['classes'] tensor_info:\n        dtype: DT_INT64\n"
                 "        shape: (-1)"):
        assert text in default, text
    assert "inputs['pixels'] tensor_info:\n        dtype: DT_FLOAT\n        shape: (-1, 784)" \
        in shown.split("signature_def['serving_flat']:")[1]
    assert "inputs['images'] tensor_info:\n        dtype: DT_UINT8" \
        in shown.split("signature_def['serving_uint8']:")[1]
    np.testing.assert_allclose(np.load(tmp_path / "out" / "probabilities.npy"), probs[:20],
                               atol=1e-5)


def test_tflite_gives_the_saved_models_outputs(exported, expected):
    from ai_edge_litert.interpreter import Interpreter  # LiteRT, TFLite's runtime

    images, _ = expected
    loaded = tf.saved_model.load(exported[1])
    interpreter = Interpreter(os.path.join(exported[1], "model.tflite"))
    assert set(interpreter.get_signature_list()) == SIGNATURE_NAMES
    for name, batch in _inputs(images).items():
        arg = next(iter(loaded.signatures[name].structured_input_signature[1]))
        want = _probabilities(loaded.signatures[name](**{arg: tf.constant(batch)}))
        got = _probabilities(interpreter.get_signature_runner(name)(**{arg: batch}))
        np.testing.assert_allclose(got["probabilities"], np.asarray(want["probabilities"]),
                                   atol=1e-4)
        np.testing.assert_array_equal(got["classes"], np.asarray(want["classes"]))


def test_next_version_counts_only_integer_directories(tmp_path):
    for name in ("1", "3", ".tmp-export-abc", "notes"):
        (tmp_path / name).mkdir()
    (tmp_path / "9").write_text("a file, not a version")
    assert export.versions(str(tmp_path)) == [1, 3]
    assert export.next_version(str(tmp_path)) == 4
    assert export.next_version(str(tmp_path / "absent")) == 1


def test_a_second_export_is_version_2_and_leaves_version_1(run_dir, tmp_path):
    first = export.export_run(run_dir, export_root=str(tmp_path))
    before = (tmp_path / "stage5" / "1" / "saved_model.pb").read_bytes()
    second = export.export_run(run_dir, export_root=str(tmp_path))
    assert (first, second) == (str(tmp_path / "stage5" / "1"), str(tmp_path / "stage5" / "2"))
    assert (tmp_path / "stage5" / "1" / "saved_model.pb").read_bytes() == before
    assert not os.path.exists(os.path.join(second, "model.tflite"))  # not asked for


def test_a_version_taken_meanwhile_is_not_overwritten(run_dir, tmp_path, monkeypatch):
    taken = tmp_path / "stage5" / "1"
    taken.mkdir(parents=True)
    (taken / "saved_model.pb").write_text("another exporter's")
    answers = iter([1])  # as if the other exporter renamed its "1" after we listed
    real = export.next_version
    monkeypatch.setattr(export, "next_version", lambda d: next(answers, None) or real(d))
    version_dir = export.export_run(run_dir, export_root=str(tmp_path))
    assert version_dir == str(tmp_path / "stage5" / "2")
    assert (taken / "saved_model.pb").read_text() == "another exporter's"


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_a_failure_mid_write_leaves_no_version(run_dir, tmp_path, monkeypatch, error):
    export.export_run(run_dir, export_root=str(tmp_path))
    written = []

    def fail(saved_model_dir, path):  # the SavedModel is complete, the export is not
        written.extend(os.listdir(saved_model_dir))
        raise error("killed")

    monkeypatch.setattr(export, "convert_tflite", fail)
    with pytest.raises(error):
        export.export_run(run_dir, export_root=str(tmp_path), tflite=True)
    assert "saved_model.pb" in written
    assert os.listdir(tmp_path / "stage5") == ["1"]


@pytest.mark.parametrize("remove, message", [
    ("metrics.json", "metrics.json: missing (did the run finish?)"),
    ("hparams.json", "hparams.json: missing (not a run directory)"),
    ("model.keras", "model.keras: missing (did the run finish?)"),
])
def test_an_incomplete_run_is_a_one_line_error(run_dir, tmp_path, remove, message):
    copy = tmp_path / "run"
    os.makedirs(copy)
    for name in ("model.keras", "hparams.json", "metrics.json"):
        if name != remove:
            (copy / name).write_bytes(open(os.path.join(run_dir, name), "rb").read())
    with pytest.raises(export.ExportError, match=re.escape(message)):
        export.export_run(str(copy), export_root=str(tmp_path / "out"))
    assert not os.path.exists(tmp_path / "out")


def test_cli_exports_and_prints_the_version(run_dir, tmp_path):
    result = run_forked("mnist_keras.export", f"--run_dir={run_dir}",
                     f"--export_root={tmp_path}", "--tflite")
    assert result.returncode == 0, result.stderr[-2000:]
    version_dir = str(tmp_path / "stage5" / "1")
    assert result.stdout.strip().splitlines()[-1] == version_dir
    assert os.path.isfile(os.path.join(version_dir, "model.tflite"))


@pytest.mark.parametrize("name, shape", [("serving_default", (4, 14, 28)),
                                         ("serving_uint8", (4, 14, 28)),
                                         ("serving_flat", (4, 392))])
def test_a_batch_of_another_shape_is_an_error_not_fewer_images(exported, name, shape):
    from ai_edge_litert.interpreter import Interpreter

    loaded = tf.saved_model.load(exported[1])
    signature = loaded.signatures[name]
    arg = next(iter(signature.structured_input_signature[1]))
    dtype = np.uint8 if name == "serving_uint8" else np.float32
    with pytest.raises(tf.errors.InvalidArgumentError):
        signature(**{arg: tf.zeros(shape, dtype)})
    if name == "serving_flat":  # TFLite's converter takes its declared [n, 784] as given
        return
    runner = Interpreter(os.path.join(exported[1], "model.tflite")).get_signature_runner(name)
    with pytest.raises(RuntimeError):  # TFLite has no ensure_shape: the reshape fails
        runner(**{arg: np.zeros(shape, dtype)})
