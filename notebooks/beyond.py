# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 튜토리얼 그 다음: 10~13단계 (TF1과 Keras 3)
# *English: the rungs after the tutorials, each one change to the experts' CNN of text
# 003: batch normalization (10), augmentation (11), Adam from 1e-3 along a cosine to 0
# (12), all 60,000 training images (13); each in TF1 graph code and in Keras 3.*
#
# 튜토리얼의 방법 그대로, 한 번에 하나씩 바꿉니다. 출발점은 003의 합성곱 신경망(배치 50,
# 20,000번)입니다.
#
# | 단계 | 바꾼 것 |
# |---|---|
# | 10 | 배치 정규화(batch normalization): 합성곱과 완전 연결 계층의 출력을 ReLU 전에 정규화 |
# | 11 | 데이터 증강(augmentation): 학습 이미지를 10도까지 돌리고, 10%까지 확대·축소·이동 |
# | 12 | Adam의 learning rate를 1e-3에서 코사인을 따라 0까지 |
# | 13 | 검증용 5,000장까지 학습 데이터 60,000장 전부 |
#
# 모든 선택은 검증 데이터 5,000장으로 했고, 시험 데이터는 끝난 학습마다 한 번만 썼습니다
# (`docs/beyond.md`).

# %% [markdown]
# ## 설정값
# *English: the rungs' training length; the test suite overrides this cell to run quickly.*

# %% tags=["parameters"]
steps = 20000  # 배치 50으로 학습하는 횟수
log_every = 100
train_examples = None  # None: 55,000장 (13단계는 60,000장)
test_examples = None  # None: 시험 데이터 10,000장 전부

# %% [markdown]
# ## 데이터
# *English: the MNIST files shipped with mnist-keras through its `input_data`, as TF1 read
# them (the notebook's one library call); rung 13 keeps all 60,000 for training.*

# %%
import math
import types

import numpy as np
import tensorflow as tf

from mnist_keras.data import input_data

data = {full: input_data.read_data_sets(one_hot=True, seed=1234, train_examples=train_examples,
                                        test_examples=test_examples, validation_size=0 if full else 5000)
        for full in (False, True)}

# %% [markdown]
# ## TF1 프로그램 (모든 단계에 공통)
# *English: the experts' TF1 network with each rung's change written in graph code: batch
# normalization as raw ops (batch statistics in training, moving averages at test, moved by
# the graph), augmentation as one random projective transform per training image, and
# `tf.compat.v1.train.cosine_decay` on the global step.*

# %%
v1 = tf.compat.v1
MOMENTUM, EPSILON = 0.99, 1e-3  # Keras' BatchNormalization defaults


def batch_norm(name, h, training):
    """배치 정규화: 학습 때는 배치의 평균·분산, 시험 때는 이동 평균."""
    shape = [h.shape[-1]]
    gamma = v1.get_variable(f"{name}/gamma", shape, initializer=v1.ones_initializer())
    beta = v1.get_variable(f"{name}/beta", shape, initializer=v1.zeros_initializer())
    moving_mean = v1.get_variable(f"{name}/moving_mean", shape, trainable=False,
                                  initializer=v1.zeros_initializer())
    moving_var = v1.get_variable(f"{name}/moving_variance", shape, trainable=False,
                                 initializer=v1.ones_initializer())

    def batch_statistics():
        mean, var = tf.nn.moments(h, axes=list(range(len(h.shape) - 1)))
        updates = [moving_mean.assign(moving_mean * MOMENTUM + mean * (1 - MOMENTUM)),
                   moving_var.assign(moving_var * MOMENTUM + var * (1 - MOMENTUM))]
        with tf.control_dependencies(updates):
            return tf.identity(mean), tf.identity(var)

    mean, var = tf.cond(training, batch_statistics,
                        lambda: (tf.identity(moving_mean), tf.identity(moving_var)))
    return tf.nn.batch_normalization(h, mean, var, beta, gamma, EPSILON)


def augment(images, rung, training):
    """이미지마다 무작위 회전·확대/축소·이동 하나 (학습 때만)."""
    def transformed():
        n, c = tf.shape(images)[0], 27 / 2  # 이미지의 가운데를 중심으로
        uniform = lambda: tf.random.uniform([n], -1.0, 1.0)  # noqa: E731
        angle = uniform() * rung["rotation"] * math.pi / 180
        scale = 1.0 + uniform() * rung["zoom"]
        dy, dx = uniform() * rung["shift"] * 28, uniform() * rung["shift"] * 28
        cos, sin = tf.cos(angle) * scale, tf.sin(angle) * scale
        transforms = tf.stack([cos, -sin, c - cos * c + sin * c - dx,
                               sin, cos, c - sin * c - cos * c - dy,
                               tf.zeros([n]), tf.zeros([n])], axis=1)
        return tf.raw_ops.ImageProjectiveTransformV3(
            images=images, transforms=transforms, output_shape=[28, 28], fill_value=0.0,
            interpolation="BILINEAR", fill_mode="CONSTANT")

    return tf.cond(training, transformed, lambda: images) if rung["rotation"] else images


def run_tf1(rung):
    mnist = data[rung["full_train"]]
    graph = tf.Graph()
    sess = v1.Session(graph=graph)
    with graph.as_default(), sess.as_default():
        v1.set_random_seed(1234)
        x = v1.placeholder(tf.float32, shape=[None, 784])
        y_ = v1.placeholder(tf.float32, shape=[None, 10])
        keep_prob = v1.placeholder(tf.float32)
        training = v1.placeholder_with_default(False, [])

        def variable(name, shape, initial):
            return v1.get_variable(name, shape, initializer=initial)

        def layer(h, name, b):  # affine, batch norm, ReLU
            return tf.nn.relu(batch_norm(name, h + b, training))

        h = augment(tf.reshape(x, [-1, 28, 28, 1]), rung, training)
        channels = 1
        for i, filters in enumerate((32, 64), start=1):
            W = variable(f"W_conv{i}", [5, 5, channels, filters],
                         v1.truncated_normal_initializer(stddev=0.1))
            b = variable(f"b_conv{i}", [filters], v1.constant_initializer(0.1))
            h = layer(tf.nn.conv2d(h, W, strides=[1, 1, 1, 1], padding="SAME"), f"bn{i}", b)
            h = tf.nn.max_pool2d(h, ksize=2, strides=2, padding="SAME")
            channels = filters
        h = tf.reshape(h, [-1, 7 * 7 * 64])
        W = variable("W_fc1", [7 * 7 * 64, 1024], v1.truncated_normal_initializer(stddev=0.1))
        h = layer(tf.matmul(h, W), "bn_fc1",
                  variable("b_fc1", [1024], v1.constant_initializer(0.1)))
        h = v1.nn.dropout(h, keep_prob=keep_prob)
        W = variable("W_fc2", [1024, 10], v1.truncated_normal_initializer(stddev=0.1))
        y_conv = tf.matmul(h, W) + variable("b_fc2", [10], v1.constant_initializer(0.1))
        print(f"TF1 graph: {sum(v.shape.num_elements() for v in v1.global_variables()):,} "
              "parameters")

        cross_entropy = tf.reduce_mean(
            tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y_conv))
        global_step = v1.train.get_or_create_global_step()
        rate = rung["learning_rate"]
        if rung["cosine"]:  # 코사인을 따라 0까지
            rate = v1.train.cosine_decay(rate, global_step, steps, alpha=0.0)
        train_step = v1.train.AdamOptimizer(rate).minimize(cross_entropy, global_step)
        correct_prediction = tf.equal(tf.argmax(y_conv, 1), tf.argmax(y_, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
        sess.run(v1.global_variables_initializer())
        for i in range(steps):
            batch = mnist.train.next_batch(50)
            if i % log_every == 0:
                train_accuracy = accuracy.eval(feed_dict={
                    x: batch[0], y_: batch[1], keep_prob: 1.0})
                print("step %d, training accuracy %g" % (i, train_accuracy))
            train_step.run(feed_dict={x: batch[0], y_: batch[1], keep_prob: 0.5,
                                      training: True})
        test = np.mean([accuracy.eval(feed_dict={
            x: mnist.test.images[i:i + 1000], y_: mnist.test.labels[i:i + 1000],
            keep_prob: 1.0}) for i in range(0, mnist.test.num_examples, 1000)])
        print("test accuracy %g" % test)
    return types.SimpleNamespace(sess=sess, graph=graph, x=x, keep_prob=keep_prob,
                                 logits=y_conv, accuracy=float(test))


# %% [markdown]
# ## Keras 프로그램 (모든 단계에 공통)
# *English: the same rung in Keras 3: `BatchNormalization` between each affine layer and
# its ReLU, Keras' `RandomRotation`, `RandomZoom` and `RandomTranslation` layers at the
# model's start (identity at inference), and `CosineDecay` as Adam's rate.*

# %%
import keras


def run_keras(rung):
    mnist = data[rung["full_train"]]
    keras.utils.set_random_seed(1234)
    weights = lambda: keras.initializers.TruncatedNormal(stddev=0.1)  # noqa: E731
    biases = lambda: keras.initializers.Constant(0.1)  # noqa: E731

    def affine_bn_relu(layer):
        return [layer, keras.layers.BatchNormalization(momentum=MOMENTUM, epsilon=EPSILON),
                keras.layers.Activation("relu")]

    fill = dict(fill_mode="constant", fill_value=0.0)  # MNIST의 배경은 0
    augmentation = [keras.layers.RandomRotation(rung["rotation"] / 360, **fill),
                    keras.layers.RandomZoom(rung["zoom"], **fill),
                    keras.layers.RandomTranslation(rung["shift"], rung["shift"], **fill)
                    ] if rung["rotation"] else []
    model = keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Reshape((28, 28, 1)),
        *augmentation,
        *affine_bn_relu(keras.layers.Conv2D(32, 5, padding="same", kernel_initializer=weights(),
                                            bias_initializer=biases())),
        keras.layers.MaxPooling2D(2, padding="same"),
        *affine_bn_relu(keras.layers.Conv2D(64, 5, padding="same", kernel_initializer=weights(),
                                            bias_initializer=biases())),
        keras.layers.MaxPooling2D(2, padding="same"),
        keras.layers.Flatten(),
        *affine_bn_relu(keras.layers.Dense(1024, kernel_initializer=weights(),
                                           bias_initializer=biases())),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10, kernel_initializer=weights(), bias_initializer=biases()),
    ])
    rate = rung["learning_rate"]
    if rung["cosine"]:
        rate = keras.optimizers.schedules.CosineDecay(rate, decay_steps=steps, alpha=0.0)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=rate, epsilon=1e-8),
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    print(f"Keras model: {model.count_params():,} parameters")
    batches = tf.data.Dataset.from_tensor_slices((mnist.train.images, mnist.train.labels)
                                                 ).shuffle(mnist.train.num_examples).repeat().batch(50)
    step_line = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: print(
        "step %d, training accuracy %g" % ((epoch + 1) * log_every, logs["accuracy"])))
    model.fit(batches, steps_per_epoch=log_every, epochs=steps // log_every, verbose=0,
              callbacks=[step_line])
    model.test_accuracy = model.evaluate(mnist.test.images, mnist.test.labels, verbose=0)[1]
    print("test accuracy %g" % model.test_accuracy)
    return model


rungs, tf1, keras_models = {}, {}, {}

# %% [markdown]
# ## 10단계 · 배치 정규화
# *English: rung 10, batch normalization before each ReLU; the rest is the experts' CNN
# (Adam at 1e-4).*

# %%
rungs["10"] = dict(rotation=0.0, zoom=0.0, shift=0.0, learning_rate=1e-4, cosine=False,
                   full_train=False)
tf1["10"] = run_tf1(rungs["10"])

# %%
keras_models["10"] = run_keras(rungs["10"])

# %% [markdown]
# ## 11단계 · 데이터 증강
# *English: rung 11, training images turned by up to 10 degrees, zoomed and shifted by up
# to 10%.*

# %%
rungs["11"] = dict(rungs["10"], rotation=10.0, zoom=0.1, shift=0.1)
tf1["11"] = run_tf1(rungs["11"])

# %%
keras_models["11"] = run_keras(rungs["11"])

# %% [markdown]
# ## 12단계 · Adam 1e-3에서 코사인을 따라 0까지
# *English: rung 12, Adam from 1e-3 along half a cosine to 0 at the last step.*

# %%
rungs["12"] = dict(rungs["11"], learning_rate=1e-3, cosine=True)
tf1["12"] = run_tf1(rungs["12"])

# %%
keras_models["12"] = run_keras(rungs["12"])

# %% [markdown]
# ## 13단계 · 학습 데이터 60,000장 전부
# *English: rung 13, the 5,000 validation images join the training set.*

# %%
rungs["13"] = dict(rungs["12"], full_train=True)
tf1["13"] = run_tf1(rungs["13"])

# %%
keras_models["13"] = run_keras(rungs["13"])

# %% [markdown]
# ## 정리
# *English: each rung's test accuracy in this notebook, and what `python -m
# mnist_keras.ladder` measured for it (`results/ladder.json`: one seed, Keras).*

# %%
import json

summary = {(row["stage"], row["api"]): row["accuracy_mean"]
           for row in json.load(open("../results/ladder.json"))["summary"]}
print("rung  notebook TF1  notebook Keras  results/ Keras (1 seed)")
for rung in rungs:
    print(f"{rung:<5} {tf1[rung].accuracy:12.4f}  {keras_models[rung].test_accuracy:14.4f}  "
          f"{summary[rung, 'keras']:23.4f}")
