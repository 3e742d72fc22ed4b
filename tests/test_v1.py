"""The tf.compat.v1 graph of every stage is the same model as its Keras twin."""

import dataclasses
import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from mnist_keras import registry
from mnist_keras.training import graph_train, keras_train, tf1_graph
from mnist_keras.training.run_dir import RunDir
from stages import stage2, stage5, stage8

UNIQUE_STAGES = [registry.get(stage_id) for stage_id in registry.unique_ids()]


def _v1_session(hp, weights):
    g = tf1_graph.build_graph(hp)
    sess = tf.compat.v1.Session(graph=g.graph)
    sess.run(g.init)
    tf1_graph.set_weights(sess, g, weights)
    return g, sess


@pytest.mark.parametrize("stage", UNIQUE_STAGES, ids=lambda s: s.NAME)
def test_same_weights_same_logits(stage, small):
    hp = stage.HParams()
    model = stage.build_model(hp)
    rng = np.random.default_rng(0)  # off the initialisers, so zero-init stages are tested too
    model.set_weights([w + rng.normal(0, 0.05, w.shape).astype(w.dtype)
                       for w in model.get_weights()])
    images = small.test.images[:64]
    g, sess = _v1_session(hp, model.get_weights())
    with sess:
        graph_logits = tf1_graph.logits(sess, g, images)
    # The Keras model called directly runs the same TF kernels as the graph. (Its XLA
    # ``predict`` differs by float32 rounding only: relative ~1e-6 on logits of ~3,000.)
    keras_logits = model(images, training=False).numpy()
    np.testing.assert_allclose(graph_logits, keras_logits, rtol=0, atol=1e-5)
    assert np.abs(keras_logits).std() > 0.1  # the check is not vacuous


def _one_step(stage, small):
    hp = stage.HParams()
    model = stage.build_model(hp)
    start = model.get_weights()
    x, y = small.train.images[:100], small.train.labels[:100]
    g, sess = _v1_session(hp, start)
    with sess:
        sess.run(g.train_op, {g.x: x, g.y: small.train.one_hot()[:100]})
        graph_after = tf1_graph.get_weights(sess, g)
    model.train_on_batch(x, y)
    return start, graph_after, model.get_weights()


def test_one_gradient_descent_step_is_the_same(small):
    start, graph_after, keras_after = _one_step(stage2, small)
    moved = max(np.abs(a - s).max() for a, s in zip(keras_after, start))
    assert moved > 1e-3  # the step did something
    # GD moves each weight by lr * gradient; float32 gradients summed in another order
    # differ by a few ulps of weights of size ~1 (N(0, 1)): 1e-6 is ~10 ulps.
    for a, b in zip(graph_after, keras_after):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-6)


def test_one_adam_step_is_the_same(small):
    assert stage5.build_model().optimizer.epsilon == stage5.HParams().adam_epsilon == 1e-8
    start, graph_after, keras_after = _one_step(stage5, small)
    # Adam's first step is lr * g / (|g| + eps): about lr (1e-3) times the sign of g, so
    # float32 rounding in g barely moves it, except where |g| is within a few orders of
    # eps (1e-8). Measured: at most 1.3e-6 apart; 1e-5 is 1% of one step.
    for a, b, s in zip(graph_after, keras_after, start):
        assert np.abs(b - s).max() == pytest.approx(1e-3, rel=1e-3)
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-5)


def test_both_apis_train_on_the_same_batches(small, tmp_path):
    hp = dataclasses.replace(stage2.HParams(), epochs=1)
    data = dataclasses.replace(small, train=small.train.take(300), validation=None)
    model = stage2.build_model(hp)
    start = model.get_weights()
    for name in ("keras", "v1"):
        (tmp_path / name).mkdir()
    with RunDir(str(tmp_path / "keras")) as files:
        keras_train.fit_periods(model, hp, data, files, verbose=0)
    g, sess = _v1_session(hp, start)
    with sess, RunDir(str(tmp_path / "v1")) as files:
        graph_train.session_loop(sess, g, hp, data, files, verbose=0)
        graph_after = tf1_graph.get_weights(sess, g)
    for a, b in zip(graph_after, model.get_weights()):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-5)  # 3 GD steps, same batches


def test_weights_move_by_layer_order_checked_by_shape():
    hp = stage5.HParams()
    weights = stage5.build_model(hp).get_weights()
    g, sess = _v1_session(hp, weights)
    with sess:
        for got, want in zip(tf1_graph.get_weights(sess, g), weights):
            np.testing.assert_array_equal(got, want)
        swapped = [weights[2], *weights[1:2], weights[0], *weights[3:]]
        with pytest.raises(ValueError, match=r"W1: shape \(784, 256\), got \(256, 256\)"):
            tf1_graph.set_weights(sess, g, swapped)


def test_graph_mode_leaves_eager_on(small):
    _v1_session(stage5.HParams(), stage5.build_model().get_weights())[1].close()
    assert tf.executing_eagerly()


def test_v1_run_writes_the_same_run_files(small, tmp_path, capsys):
    # The command's --api=v1 runs this (tests/test_repro.py runs it through the command).
    hp = dataclasses.replace(stage8.HParams(), epochs=2)
    keras.utils.set_random_seed(hp.seed)
    graph_train.train(stage8, "8", hp, small, str(tmp_path), verbose=0)
    lines = capsys.readouterr().out.splitlines()
    assert [line[:19] for line in lines[:2]] == ["Epoch: 0001 cost = ", "Epoch: 0002 cost = "]
    assert lines[2] == "Learning Finished!" and lines[4].startswith("Accuracy(test): ")
    hparams = json.loads((tmp_path / "hparams.json").read_text())
    assert hparams["api"] == "v1" and hparams["hparams"]["dropout"] == 0.3
    assert [e["epoch"] for e in json.loads((tmp_path / "history.json").read_text())] == [1, 2]
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["api"] == "v1" and metrics["test_accuracy"] > 0.5
    assert (tmp_path / "model.keras").exists()
    assert (tmp_path / "v1_checkpoint" / "model.ckpt.index").exists()
    assert not (tmp_path / "progress").exists() and not (tmp_path / "progress.json").exists()