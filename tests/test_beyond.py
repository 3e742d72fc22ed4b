"""The rungs beyond the tutorials (stages 10-23): batch norm and augmentation in both
APIs, augmentation off at inference, stage 14's one change (the net), and a few steps
of each that lower the loss."""

import dataclasses

import keras
import numpy as np
import pytest
import tensorflow as tf

from mnist_keras import registry
from mnist_keras.data.pipeline import make_dataset
from mnist_keras.training import tf1_graph
from mnist_keras.nets.hparams import Training
from mnist_keras.report import flops
from stages import stage10, stage11, stage13, stage14

STEPS = 8  # of 50 images each: one pass over 400 images


def _perturbed(model, seed=0):
    """The model's weights moved off their initialisers (moving variances stay > 0)."""
    rng = np.random.default_rng(seed)
    model.set_weights([w + rng.normal(0, 0.05, w.shape).astype(w.dtype)
                       for w in model.get_weights()])
    return model.get_weights()


def test_augmentation_changes_nothing_at_inference(small):
    keras.utils.set_random_seed(3)
    augmented = stage11.build_model()
    assert {type(layer).__name__ for layer in augmented.layers} >= {
        "RandomRotation", "RandomZoom", "RandomTranslation"}
    plain = stage10.build_model()
    plain.set_weights(_perturbed(augmented))
    images = small.test.images[:32]
    first = augmented(images, training=False).numpy()
    np.testing.assert_array_equal(first, augmented(images, training=False).numpy())
    np.testing.assert_array_equal(first, plain(images, training=False).numpy())
    assert not np.allclose(augmented(images, training=True).numpy(), first)  # it does turn


def test_one_step_moves_the_moving_averages_alike_in_both_apis(small):
    hp = stage10.HParams()
    model = stage10.build_model(hp)
    start = model.get_weights()
    x, y = small.train.images[:50], small.train.labels[:50]
    g = tf1_graph.build_graph(hp)
    with tf.compat.v1.Session(graph=g.graph) as sess:
        sess.run(g.init)
        tf1_graph.set_weights(sess, g, start)
        sess.run(g.train_op, {g.x: x, g.y: small.train.one_hot()[:50],
                              g.keep_prob: 1.0 - hp.dropout, g.training: True})
        graph_after = tf1_graph.get_weights(sess, g)
    model.train_on_batch(x, y)
    names = [v.name for v in model.weights]
    moving = [i for i, n in enumerate(names) if "moving" in n]
    assert len(moving) == 6  # mean and variance of 3 batch norms
    for i in moving:  # from the batch statistics of the first forward pass, before dropout
        assert not np.array_equal(graph_after[i], start[i]), names[i]
        np.testing.assert_allclose(graph_after[i], model.get_weights()[i], rtol=1e-5,
                                   atol=1e-6, err_msg=names[i])


def _train_loss(predict_batch, split):
    logits = np.concatenate([predict_batch(split.images[i:i + 250])
                             for i in range(0, len(split), 250)])
    shifted = logits - logits.max(1, keepdims=True)
    return -np.mean(shifted[np.arange(len(split)), split.labels]
                    - np.log(np.exp(shifted).sum(1)))


def test_stage14_changes_the_net_and_trains_as_stage13():
    before, after = dataclasses.asdict(stage13.HParams()), dataclasses.asdict(stage14.HParams())
    trained = {f.name for f in dataclasses.fields(Training)} | {"rotation", "zoom", "shift"}
    assert {k: after[k] for k in trained} == {k: before[k] for k in trained}
    assert set(after) - trained == {"layers", "dropout", "kernel_init", "bias_init",
                                    "one_pass", "elastic", "elastic_sigma",
                                    "ema_momentum", "bn_refresh_batches"}
    assert not (after["one_pass"] or after["elastic"] or after["ema_momentum"])  # 15-17
    shapes = [layer.output.shape[1:] for layer in stage14.build_model().layers
              if isinstance(layer, keras.layers.Conv2D)]
    assert shapes == [(26, 26, 32), (24, 24, 32), (12, 12, 32), (10, 10, 64), (8, 8, 64),
                      (4, 4, 64), (1, 1, 128)]  # Deotte's net: VALID at stride 1, SAME at 2


# Training TFLOP of a run; 14: 20,000 x 50 x 90.59 MFLOP (1.10x stage 9); 18 and 19:
# 16,000 x 50 x 203.2 MFLOP (1.98x); 20 is 19 without dropout; 21 is 18 plus 10,000
# forward passes of 67.7 MFLOP (batch norm measured again); 22: 9,000 x 50 x 360.8;
# 23: 25,600 x 50 x 127.1.
RUN_TFLOP = {"14": 90.59, "18": 162.58, "19": 162.58, "20": 162.58, "21": 163.26,
             "22": 162.35, "23": 162.67}


@pytest.mark.parametrize("stage_id", list(RUN_TFLOP))
def test_the_conv_stacks_train_within_twice_stage9s_flops(stage_id):
    def run_flops(stage):
        return flops.training_flops(stage.build_model(), stage.HParams())

    stage9 = run_flops(registry.get("9"))
    assert stage9 == pytest.approx(82.05e12, rel=1e-3)  # 20,000 x 50 x 82.05 MFLOP
    rung = run_flops(registry.get(stage_id))
    assert rung == pytest.approx(RUN_TFLOP[stage_id] * 1e12, rel=1e-3)
    assert rung <= 2 * stage9


# Stage 12 trains with stage 10's batch norm and stage 11's augmentation, so its steps
# fail on a defect in either; 13's model and graph are 12's (it changes the data only).
# 17 trains with 15's average and 16's and its own distortion (its graph: the distortion);
# 18 is 14's net widened, 19 that net with 17's distortion, 20 that without dropout;
# 21 trains 18 with 15's average, 22 widens 18 again, 23 narrows its first group.
@pytest.mark.parametrize("stage_id", ["12", "14", "17", "18", "19", "20", "21", "22",
                                      "23"])
def test_a_few_steps_lower_the_loss_in_both_apis(small, stage_id):
    stage = registry.get(stage_id)
    hp = dataclasses.replace(stage.HParams(), steps=STEPS, log_every=STEPS)
    if getattr(hp, "ema_momentum", 0):  # an average over ~1,000 steps would not move in 8
        hp = dataclasses.replace(hp, ema_momentum=0.5)
    split = small.train.take(STEPS * hp.batch_size)
    model = stage.build_model(hp)
    before = _train_loss(model.predict_on_batch, split)
    model.fit(make_dataset(split, hp.batch_size, seed=hp.seed, num_batches=STEPS),
              steps_per_epoch=STEPS, verbose=0)
    assert _train_loss(model.predict_on_batch, split) < before
    if getattr(hp, "elastic", 0):  # the graph's distortion: test_distortion.py
        return
    g = tf1_graph.build_graph(hp)
    with tf.compat.v1.Session(graph=g.graph) as sess:
        sess.run(g.init)
        predict = lambda b: sess.run(g.logits, {g.x: b})  # noqa: E731
        before = _train_loss(predict, split)
        labels = split.one_hot()
        for i in range(STEPS):
            idx = slice(hp.batch_size * i, hp.batch_size * (i + 1))
            sess.run(g.train_op, {g.x: split.images[idx], g.y: labels[idx],
                                  g.keep_prob: 1.0 - hp.dropout, g.training: True})
        assert _train_loss(predict, split) < before
