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
# # 002 · DNN 성능 향상: 정확도의 사다리 (TF1 원문과 Keras 3)
# *English: text 002's accuracy ladder, from softmax regression (0.8894) to a deep, wide
# ReLU net with dropout (0.9845), one change per rung, in TF1 as the text wrote it and in
# Keras 3; then the text's own Keras part (wide and deep with dropout).*
#
# 원문(Deep Learning with Python, Chapter 1 DNN 01)은 소프트맥스 회귀에서 시작해 한 번에
# 하나씩 바꾸며 인식률을 올립니다:
#
# | 순서 | 내용 | 인식률 (Test Set) |
# |---|---|---:|
# | 0 | Softmax 기본 구현 | 0.8894 |
# | 1 | Deep Neural Network + ReLU | 0.2279 |
# | 2 | Learning Rate = 0.01 | 0.9247 |
# | 3 | Adam Optimizer 적용 | 0.9666 |
# | 4 | Xavier Initializer 적용 | 0.9658 |
# | 5 | Learning Rate = 0.001 | 0.9789 |
# | 6 | He Initializer 적용 | 0.9795 |
# | 7 | Deep & Wide Neural Network 확장 | 0.9820 |
# | 8 | Dropout 적용 | 0.9845 |
#
# 원문은 단계마다 바뀐 줄만 보여 줍니다. 이 노트북은 전체 프로그램을 TF1과 Keras로 한 번씩
# 함수로 써 두고(`run_tf1`, `run_keras`), 단계마다 바뀐 설정을 한 셀에 적어 두 API로
# 학습합니다. 1단계는 원문에서도 실패합니다(비용이 137에서 시작해 정확도 0.2279): 이
# 노트북도 그 실패를 그대로 보여 줍니다.

# %% [markdown]
# ## 설정값
# *English: the text's parameters; the test suite overrides this cell to run quickly.*

# %% tags=["parameters"]
training_cnt = 15  # 전체 데이터 셋에 대한 학습 반복 횟수 (Epoch)
batch_size = 100  # 한번에 학습할 데이터의 수
train_examples = None  # None: 학습 데이터 55,000장 전부
test_examples = None  # None: 시험 데이터 10,000장 전부

# %% [markdown]
# ## 데이터
# *English: TF1's `input_data` is gone from TensorFlow 2; mnist-keras ships the MNIST files
# and reads them as TF1 did (55,000 / 5,000 / 10,000, one-hot labels, `next_batch`): the
# notebook's one library call.*
#
# 원문의 `input_data.read_data_sets("MNIST_data/", one_hot=True)`처럼 학습 데이터
# 55,000장(`total_batch = 55,000 / 100 = 550`), 검증 5,000장, 시험 10,000장입니다.

# %%
import random

import tensorflow as tf

from mnist_keras.data import input_data  # 원문: from tensorflow.examples.tutorials.mnist import input_data

# 원문: mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)
mnist = input_data.read_data_sets(one_hot=True, seed=1234, train_examples=train_examples,
    test_examples=test_examples)

# %% [markdown]
# ## TF1 프로그램 (모든 단계에 공통)
# *English: the text's whole TF1 program as one function of a rung's settings: graph,
# placeholders, variables with the rung's initialisers, cost, optimizer, the Session loop
# and the lines the text printed. Each rung builds its own `tf.Graph` (the text:
# `tf.reset_default_graph()`).*
#
# 원문의 `tf.contrib.layers.xavier_initializer()`는 TensorFlow 2에 없으므로 같은 초기화
# (Glorot uniform)인 `tf.compat.v1.glorot_uniform_initializer()`를, `tf.keras.initializers.
# he_normal()`은 같은 분포(절단 정규분포, 분산 2/fan_in)인 `variance_scaling_initializer`를
# 씁니다.

# %%
import types

v1 = tf.compat.v1  # 원문: import tensorflow as tf (TensorFlow 1.x)

WEIGHT_INITIALIZERS = {
    "xavier": lambda: v1.glorot_uniform_initializer(),  # 원문: tf.contrib.layers.xavier_initializer()
    "he": lambda: v1.variance_scaling_initializer(2.0, "fan_in", "truncated_normal"),  # 원문: tf.keras.initializers.he_normal()
}


def run_tf1(rung):
    """원문의 TF1 프로그램: 그래프를 만들고, 학습하고, 원문의 줄을 출력한다."""
    graph = tf.Graph()  # 원문: tf.reset_default_graph()
    with graph.as_default():
        v1.set_random_seed(1234)

        X = v1.placeholder(tf.float32, [None, 784])  # 원문: tf.placeholder
        Y = v1.placeholder(tf.float32, [None, 10])
        keep_prob = v1.placeholder(tf.float32)  # Dropout에서 유지할 노드의 비율 (8단계)

        # W1, b1, L1 = tf.nn.relu(tf.matmul(X, W1) + b1), ... logits = tf.matmul(L, W) + b
        widths = [784, *rung["hidden"], 10]
        L, params = X, []
        for i, (n_in, n_out) in enumerate(zip(widths, widths[1:]), start=1):
            if rung["init"] == "normal":
                W = tf.Variable(v1.random_normal([n_in, n_out]))  # 원문: tf.random_normal
            else:
                W = v1.get_variable(f"W{i}", shape=[n_in, n_out],
                                    initializer=WEIGHT_INITIALIZERS[rung["init"]]())
            b = tf.Variable(v1.random_normal([n_out]))
            params += [W, b]
            L = tf.matmul(L, W) + b
            if i < len(widths) - 1:  # 은닉층
                L = tf.nn.relu(L)
                if rung["keep_prob"] < 1:
                    L = v1.nn.dropout(L, keep_prob=keep_prob)  # 원문: tf.nn.dropout
        logits = L

        cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(  # 원문: ..._v2
            logits=logits, labels=Y))
        if rung["optimizer"] == "adam":
            optimizer = v1.train.AdamOptimizer(rung["learning_rate"])  # 원문: tf.train
        else:
            optimizer = v1.train.GradientDescentOptimizer(rung["learning_rate"])
        op_train = optimizer.minimize(cost)

        pred = tf.nn.softmax(logits)
        prediction = tf.argmax(pred, 1)
        true_Y = tf.argmax(Y, 1)
        accuracy = tf.reduce_mean(tf.cast(tf.equal(prediction, true_Y), dtype=tf.float32))
        init = v1.global_variables_initializer()  # 원문: tf.global_variables_initializer()
    print(f"TF1 graph: {sum(p.shape.num_elements() for p in params):,} parameters")

    sess = v1.Session(graph=graph)  # 원문: tf.Session()
    sess.run(init)
    for epoch in range(training_cnt):
        avg_cost = 0
        total_batch = int(mnist.train.num_examples / batch_size)
        for i in range(total_batch):
            batch_xs, batch_ys = mnist.train.next_batch(batch_size)
            feed_dict = {X: batch_xs, Y: batch_ys, keep_prob: rung["keep_prob"]}
            c, _ = sess.run([cost, op_train], feed_dict=feed_dict)
            avg_cost += c / total_batch
        print('Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.9f}'.format(avg_cost))
    print('Learning Finished!')

    print('Accuracy(train):', sess.run(accuracy, feed_dict={
        X: mnist.train.images, Y: mnist.train.labels, keep_prob: 1}))
    test = sess.run(accuracy, feed_dict={X: mnist.test.images, Y: mnist.test.labels,
                                         keep_prob: 1})
    print('Accuracy(test):', test)
    r = random.randint(0, mnist.test.num_examples - 1)
    with graph.as_default():  # tf.argmax가 이 그래프에 만들어지도록
        print("Label: ", sess.run(tf.argmax(mnist.test.labels[r:r + 1], 1)))
    print("Prediction: ", sess.run(prediction, feed_dict={X: mnist.test.images[r:r + 1],
                                                           keep_prob: 1}))
    return types.SimpleNamespace(sess=sess, graph=graph, X=X, keep_prob=keep_prob,
                                 logits=logits, params=params, accuracy=float(test))


# %% [markdown]
# ## Keras 프로그램 (모든 단계에 공통)
# *English: the same rung in Keras 3: a `keras.Sequential` of the rung's layers and
# initialisers (biases N(0, 1), as the text's `tf.random_normal`), compiled with its
# optimizer and learning rate (Adam's epsilon 1e-8, TF1's), `fit` for the same epochs and
# batch size on the same 55,000 images, `evaluate` on the test images. The softmax lives in
# the loss, as in the TF1 cost.*

# %%
import keras
import numpy as np

KERAS_WEIGHT_INITIALIZERS = {
    "normal": lambda: keras.initializers.RandomNormal(mean=0.0, stddev=1.0),  # tf.random_normal
    "xavier": lambda: keras.initializers.GlorotUniform(),
    "he": lambda: keras.initializers.HeNormal(),
}


def run_keras(rung):
    """같은 단계를 Keras 3로: 모델을 만들고, 학습하고, 원문의 줄을 출력한다."""
    keras.utils.set_random_seed(1234)
    layers = [keras.Input(shape=(784,))]
    for width in rung["hidden"]:
        layers.append(keras.layers.Dense(
            width, activation="relu", kernel_initializer=KERAS_WEIGHT_INITIALIZERS[rung["init"]](),
            bias_initializer=keras.initializers.RandomNormal(mean=0.0, stddev=1.0)))
        if rung["keep_prob"] < 1:
            layers.append(keras.layers.Dropout(rate=1 - rung["keep_prob"]))
    layers.append(keras.layers.Dense(  # logits
        10, kernel_initializer=KERAS_WEIGHT_INITIALIZERS[rung["init"]](),
        bias_initializer=keras.initializers.RandomNormal(mean=0.0, stddev=1.0)))
    model = keras.Sequential(layers)
    if rung["optimizer"] == "adam":
        optimizer = keras.optimizers.Adam(learning_rate=rung["learning_rate"], epsilon=1e-8)
    else:
        optimizer = keras.optimizers.SGD(learning_rate=rung["learning_rate"])
    model.compile(optimizer=optimizer,
                  loss=keras.losses.CategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    print(f"Keras model: {model.count_params():,} parameters")

    epoch_line = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: print(
        'Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.9f}'.format(logs['loss'])))
    model.fit(mnist.train.images, mnist.train.labels, batch_size=batch_size,
              epochs=training_cnt, verbose=0, callbacks=[epoch_line])
    print('Learning Finished!')

    print('Accuracy(train):', model.evaluate(mnist.train.images, mnist.train.labels,
                                             verbose=0)[1])
    test = model.evaluate(mnist.test.images, mnist.test.labels, verbose=0)[1]
    print('Accuracy(test):', test)
    r = random.randint(0, mnist.test.num_examples - 1)
    print("Label: ", np.argmax(mnist.test.labels[r:r + 1], 1))
    print("Prediction: ", np.argmax(model.predict(mnist.test.images[r:r + 1], verbose=0), 1))
    model.test_accuracy = float(test)
    return model


rungs, tf1, keras_models = {}, {}, {}

# %% [markdown]
# ## 0단계 · Softmax 기본 구현
# *English: rung 0, softmax regression: 784-10, weights and biases N(0, 1), gradient
# descent at 0.1. The text's accuracy: 0.8894.*
#
# ```python
# W = tf.Variable(tf.random_normal([784, 10]))
# b = tf.Variable(tf.random_normal([10]))
# logits = tf.matmul(X, W) + b
# optimizer = tf.train.GradientDescentOptimizer(learning_rate)   # learning_rate = 0.1
# ```

# %%
rungs["0"] = dict(hidden=(), init="normal", optimizer="gd", learning_rate=0.1, keep_prob=1.0)
tf1["0"] = run_tf1(rungs["0"])

# %%
keras_models["0"] = run_keras(rungs["0"])

# %% [markdown]
# ## 1단계 · Deep Neural Network와 ReLU
# *English: rung 1, two hidden ReLU layers of 256. Meant to fail: with N(0, 1) weights
# and a rate of 0.1 the cost starts at 137 and the text ends at 0.2279.*
#
# ```python
# W1 = tf.Variable(tf.random_normal([784, 256]))
# b1 = tf.Variable(tf.random_normal([256]))
# L1 = tf.nn.relu(tf.matmul(X, W1) + b1)
# ...
# logits = tf.matmul(L2, W3) + b3
# ```

# %%
rungs["1"] = dict(rungs["0"], hidden=(256, 256))
tf1["1"] = run_tf1(rungs["1"])

# %%
keras_models["1"] = run_keras(rungs["1"])

# %% [markdown]
# ## 2단계 · Learning Rate 조정 (0.01)
# *English: rung 2, the learning rate down to 0.01 (the cost stopped falling: overshooting).
# The text: 0.9247.*
#
# ```python
# learning_rate = 0.01
# ```

# %%
rungs["2"] = dict(rungs["1"], learning_rate=0.01)
tf1["2"] = run_tf1(rungs["2"])

# %%
keras_models["2"] = run_keras(rungs["2"])

# %% [markdown]
# ## 3단계 · Adam Optimizer
# *English: rung 3, Adam instead of gradient descent. The text: 0.9666.*
#
# ```python
# optimizer = tf.train.AdamOptimizer(learning_rate)
# ```

# %%
rungs["3"] = dict(rungs["2"], optimizer="adam")
tf1["3"] = run_tf1(rungs["3"])

# %%
keras_models["3"] = run_keras(rungs["3"])

# %% [markdown]
# ## 4단계 · Xavier Initializer
# *English: rung 4, the weights from Xavier (Glorot uniform) initialisation with
# `tf.get_variable`; biases stay N(0, 1). The text: 0.9658.*
#
# ```python
# W1 = tf.get_variable("W1", shape=[784, 256],
#                      initializer=tf.contrib.layers.xavier_initializer())
# b1 = tf.Variable(tf.random_normal([256]))
# ```

# %%
rungs["4"] = dict(rungs["3"], init="xavier")
tf1["4"] = run_tf1(rungs["4"])

# %%
keras_models["4"] = run_keras(rungs["4"])

# %% [markdown]
# ## 5단계 · Learning Rate 재조정 (0.001)
# *English: rung 5, the learning rate down to 0.001. The text: 0.9789.*
#
# ```python
# learning_rate = 0.001
# ```

# %%
rungs["5"] = dict(rungs["4"], learning_rate=0.001)
tf1["5"] = run_tf1(rungs["5"])

# %%
keras_models["5"] = run_keras(rungs["5"])

# %% [markdown]
# ## 6단계 · He Initializer
# *English: rung 6, He initialisation for the weights. The text: 0.9795.*
#
# ```python
# W1 = tf.get_variable("W1", shape=[784, 256],
#                      initializer=tf.keras.initializers.he_normal())
# ```

# %%
rungs["6"] = dict(rungs["5"], init="he")
tf1["6"] = run_tf1(rungs["6"])

# %%
keras_models["6"] = run_keras(rungs["6"])

# %% [markdown]
# ## 7단계 · Deep & Wide Neural Network
# *English: rung 7, four hidden layers of 512. The text: 0.9820.*
#
# ```python
# W1 = tf.get_variable("W1", shape=[784, 512],
#                      initializer=tf.keras.initializers.he_normal())
# ...
# W5 = tf.get_variable("W5", shape=[512, 10],
#                      initializer=tf.keras.initializers.he_normal())
# logits = tf.matmul(L4, W5) + b5
# ```

# %%
rungs["7"] = dict(rungs["6"], hidden=(512, 512, 512, 512))
tf1["7"] = run_tf1(rungs["7"])

# %%
keras_models["7"] = run_keras(rungs["7"])

# %% [markdown]
# ## 8단계 · Dropout
# *English: rung 8, dropout after every hidden layer: keep_prob 0.7 in training, 1 at
# test (Keras: `Dropout(rate=0.3)`, off at inference by itself). The text: 0.9845.*
#
# ```python
# keep_prob = tf.placeholder(tf.float32)
# L1 = tf.nn.relu(tf.matmul(X, W1) + b1)
# L1 = tf.nn.dropout(L1, keep_prob=keep_prob)
# ...
# feed_dict = {X: batch_xs, Y: batch_ys, keep_prob: 0.7}
# ```

# %%
rungs["8"] = dict(rungs["7"], keep_prob=0.7)
tf1["8"] = run_tf1(rungs["8"])

# %%
keras_models["8"] = run_keras(rungs["8"])

# %% [markdown]
# ## Keras를 이용한 DNN 구현: Wide + Deep Dropout
# *English: the text's own Keras part: Dense(512) + ReLU + Dropout(0.3) four times, then
# Dense(10) + softmax, Keras' default initialisers and Adam, 15 epochs of batch 100 on all
# 60,000 training images. Made to run on Keras 3: `keras.layers.core` and `np_utils` are
# gone, and `keras.datasets.mnist.load_data()` would download the data.*
#
# 원문의 Keras 코드를 Keras 3에서 실행되도록 고쳤습니다(고친 줄마다 `# 원문:` 주석).
# 학습 데이터는 원문처럼 60,000장 전부입니다.

# %%
import numpy as np
from keras.layers import Activation, Dense, Dropout  # 원문: from keras.layers.core import Dense, Dropout, Activation
from keras.models import Sequential
from keras.optimizers import Adam
from keras.utils import to_categorical  # 원문: from keras.utils import np_utils

np.random.seed(1234)
keras.utils.set_random_seed(1234)  # 원문: (없음) Keras 3의 초깃값과 Dropout도 고정
BATCH_SIZE = 100
N_HIDDEN = 512

# 원문: (X_train, y_train), (X_test, y_test) = mnist.load_data()  (인터넷에서 내려받음)
all_60000 = input_data.read_data_sets(validation_size=0, train_examples=train_examples,
    test_examples=test_examples)
X_train, y_train = all_60000.train.images, all_60000.train.labels  # 이미 784개, 0~1
X_test, y_test = all_60000.test.images, all_60000.test.labels
print(X_train.shape[0], 'train samples')
print(X_test.shape[0], 'test samples')
Y_train = to_categorical(y_train, 10)  # 원문: np_utils.to_categorical
Y_test = to_categorical(y_test, 10)

model = Sequential()
model.add(keras.Input(shape=(784,)))  # 원문: Dense(N_HIDDEN, input_shape=(784,))
model.add(Dense(N_HIDDEN))
model.add(Activation('relu'))
model.add(Dropout(0.3))
model.add(Dense(N_HIDDEN))
model.add(Activation('relu'))
model.add(Dropout(0.3))
model.add(Dense(N_HIDDEN))
model.add(Activation('relu'))
model.add(Dropout(0.3))
model.add(Dense(N_HIDDEN))
model.add(Activation('relu'))
model.add(Dropout(0.3))
model.add(Dense(10))
model.add(Activation('softmax'))
model.summary()

model.compile(loss='categorical_crossentropy',
              optimizer=Adam(),
              metrics=['accuracy'])
model.fit(X_train, Y_train,
          batch_size=BATCH_SIZE, epochs=training_cnt,
          verbose=2)  # 원문: verbose=1 (진행 막대); 노트북에는 에폭마다 한 줄
score = model.evaluate(X_test, Y_test, verbose=0)
print("\nTest cost:", score[0])
print('Test accuracy:', score[1])
keras_dropout_accuracy = float(score[1])

# %% [markdown]
# ## 정리
# *English: each rung's test accuracy: the text's, this notebook's in TF1 and in Keras,
# and the three-seed means of `python -m mnist_keras.ladder` (`results/ladder.json`).*

# %%
import json

summary = {(row["stage"], row["api"]): row["accuracy_mean"]
           for row in json.load(open("../results/ladder.json"))["summary"]}
TEXT = {"0": 0.8894, "1": 0.2279, "2": 0.9247, "3": 0.9666, "4": 0.9658, "5": 0.9789,
        "6": 0.9795, "7": 0.9820, "8": 0.9845, "keras_dropout": 0.9825}
print("rung            text  notebook TF1  notebook Keras  results/ TF1  results/ Keras")
for rung in rungs:
    print(f"{rung:<13} {TEXT[rung]:.4f}  {tf1[rung].accuracy:12.4f}  "
          f"{keras_models[rung].test_accuracy:14.4f}  {summary[rung, 'v1']:12.4f}  "
          f"{summary[rung, 'keras']:14.4f}")
print(f"{'keras_dropout':<13} {TEXT['keras_dropout']:.4f}  {'-':>12}  "
      f"{keras_dropout_accuracy:14.4f}  {'-':>12}  {summary['keras_dropout', 'keras']:14.4f}")
