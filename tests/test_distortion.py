"""Stages 15-17's training-side changes: the one-pass distortion (affine and elastic) and
the average of the weights (validated on, batch norm measured again, counted)."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from mnist_keras.nets import distortion
from mnist_keras.report import flops
from mnist_keras.training import model_file, weight_average
from mnist_keras.execution import settings
from stages import stage14, stage15, stage16, stage17


def test_the_elastic_fields_are_independent_and_as_large_as_asked():
    rms, sigma = 1.5, 4.0
    side = distortion.noise_side(28, sigma)
    generator = keras.random.SeedGenerator(7)
    rows, cols = (distortion.smoothed(keras.random.normal((400, side, side, 1),
                                                          seed=generator), rms, sigma).numpy()
                  for _ in range(2))
    assert rows.shape == cols.shape == (400, 28, 28)
    for field in (rows, cols):  # 313,600 values: the RMS within 2%
        assert np.sqrt(np.mean(field ** 2)) == pytest.approx(rms, rel=0.02)
    assert abs(np.corrcoef(rows.ravel(), cols.ravel())[0, 1]) < 0.02  # not the diagonal
    # smooth: neighbours move together (a Gaussian of 4 px: correlation exp(-1/16) ~ 0.94)
    assert np.corrcoef(rows[:, :, :-1].ravel(), rows[:, :, 1:].ravel())[0, 1] > 0.9


def test_resampling_is_map_coordinates_with_zero_fill(small):
    images = small.train.images[:6].reshape(-1, 28, 28, 1)
    rng = np.random.default_rng(0)
    y = (np.arange(28)[None, :, None] + rng.normal(0, 3, (6, 28, 28))).astype(np.float32)
    x = (np.arange(28)[None, None, :] + rng.normal(0, 3, (6, 28, 28))).astype(np.float32)
    got = distortion.resample(images, y, x).numpy()[..., 0]
    want = np.stack([keras.ops.image.map_coordinates(images[i, ..., 0], np.stack([y[i], x[i]]),
                                                     order=1, fill_mode="constant").numpy()
                     for i in range(6)])
    np.testing.assert_allclose(got, want, atol=1e-6)


def test_the_one_pass_affine_is_the_tf1_graphs_projective_transform(small):
    images = small.train.images[:8].reshape(-1, 28, 28, 1)
    draws = np.random.default_rng(1).uniform(-1, 1, (4, 8)).astype(np.float32)
    queue = iter(draws)
    got = distortion.distorted(images, 10.0, 0.1, 0.1, 0.0, 4.0,
                               lambda shape: tf.reshape(next(queue), shape), None).numpy()
    angle, scale = draws[0] * 10 * math.pi / 180, 1 + draws[1] * 0.1
    dy, dx, c = draws[2] * 2.8, draws[3] * 2.8, 13.5
    cos, sin = np.cos(angle) * scale, np.sin(angle) * scale
    transforms = np.stack([cos, -sin, c - cos * c + sin * c - dx, sin, cos,
                           c - sin * c - cos * c - dy, 0 * dx, 0 * dx], 1).astype(np.float32)
    want = tf.raw_ops.ImageProjectiveTransformV3(
        images=images, transforms=transforms, output_shape=[28, 28], fill_value=0.0,
        interpolation="BILINEAR", fill_mode="CONSTANT").numpy()
    np.testing.assert_allclose(got, want, atol=2e-5)


def test_the_distortion_trains_only_and_model_keras_is_plain_keras(small, tmp_path):
    model = stage17.build_model()
    assert type(model.layers[1]).__name__ == "Distortion"
    images = small.test.images[:16]
    layer = model.layers[1]
    shaped = images.reshape(-1, 28, 28, 1)
    np.testing.assert_array_equal(layer(shaped, training=False).numpy(), shaped)
    assert not np.allclose(layer(shaped, training=True).numpy(), shaped)
    portable = model_file.portable_copy(model, stage17, stage17.HParams(),
                                        settings.Execution())
    assert all(type(x).__module__.startswith("keras.") for x in portable.layers)
    np.testing.assert_allclose(portable.predict_on_batch(images), model.predict_on_batch(images),
                               atol=1e-6)
    path = str(tmp_path / "layer.keras")  # the layer itself saves and loads (registered)
    keras.Sequential([keras.Input((28, 28, 1)), layer]).save(path)
    loaded = keras.saving.load_model(path).layers[0]
    assert (loaded.rotation, loaded.elastic, loaded.sigma) == (10.0, 1.0, 4.0)


def _fit_a_little(model, small, callbacks=()):
    split = small.train.take(400)
    return model.fit(split.images, split.labels, batch_size=50, epochs=2, verbose=0,
                     validation_data=(small.validation.images[:200],
                                      small.validation.labels[:200]),
                     callbacks=list(callbacks))


def test_validation_sees_the_average_and_the_swaps_are_exact(small):
    model = stage15.build_model()
    kept = []  # the trained weights after each epoch, the average swapped back out
    keep = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: kept.append(
        [v.numpy() for v in model.trainable_variables]))
    history = _fit_a_little(model, small, [weight_average.ValidateTheAverage(), keep])
    trained = [v.numpy() for v in model.trainable_variables]  # fit wrote the average here
    averages = [v.numpy() for v in model.optimizer._model_variables_moving_average]
    for got, want in zip(trained, averages):
        np.testing.assert_array_equal(got, want)
    assert not all(np.array_equal(a, b) for a, b in zip(kept[-1], averages))  # they differ
    images, labels = small.validation.images[:200], small.validation.labels[:200]
    loss = model.evaluate(images, labels, verbose=0)[0]  # the average, as validated
    assert history.history["val_loss"][-1] == pytest.approx(loss, rel=1e-5)


def test_batch_norms_statistics_are_measured_again_as_the_mean_of_batches(small):
    model = stage15.build_model()
    images = small.train.images[:150]
    weight_average.refresh_batch_norm(model, images, batch_size=50)
    norm = next(layer for layer in model.layers
                if isinstance(layer, keras.layers.BatchNormalization))
    first_conv = keras.Sequential(model.layers[:model.layers.index(norm)])
    means = [first_conv(images[i:i + 50], training=False).numpy().mean(axis=(0, 1, 2))
             for i in range(0, 150, 50)]
    np.testing.assert_allclose(norm.moving_mean.numpy(), np.mean(means, axis=0), atol=1e-5)
    assert norm.momentum == 0.99  # restored


def test_the_average_and_its_statistics_count_in_the_budget():
    base = flops.training_flops(stage14.build_model(), stage14.HParams())
    model = stage15.build_model()
    refresh = flops.forward_flops_per_image(model) * 200 * 50
    for stage in (stage15, stage16, stage17):
        assert flops.training_flops(stage.build_model(), stage.HParams()) == pytest.approx(
            base + refresh)
    assert base + refresh <= 2 * 82.05e12


def test_the_tf1_graph_distorts_its_training_batches_only(small):
    from mnist_keras.training import tf1_graph

    hp = stage17.HParams()
    g = tf1_graph.build_graph(hp)
    images, labels = small.train.images[:50], small.train.one_hot()[:50]
    with tf.compat.v1.Session(graph=g.graph) as sess:
        sess.run(g.init)
        clean = sess.run(g.logits, {g.x: images})
        np.testing.assert_array_equal(clean, sess.run(g.logits, {g.x: images}))
        costs = [sess.run(g.cost, {g.x: images, g.y: labels, g.training: True})
                 for _ in range(2)]
        assert costs[0] != costs[1]  # a new distortion each time (no dropout fed)
        sess.run(g.train_op, {g.x: images, g.y: labels, g.keep_prob: 1 - hp.dropout,
                              g.training: True})
        assert np.isfinite(sess.run(g.cost, {g.x: images, g.y: labels}))
