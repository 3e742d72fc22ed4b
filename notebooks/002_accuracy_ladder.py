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
# # 002 · DNN 성능 향상: 정확도의 사다리
# *English: text 002's accuracy ladder, from softmax regression (0.8894) to a deep, wide
# ReLU net with dropout (0.9845), one change per rung: each rung's TF1 program as the text
# wrote it, what TensorFlow 2 changed in it, and its Keras 3 port, each in full; then the
# text's own Keras part.*
#
# 원문(Deep Learning with Python, Chapter 1 DNN 01)은 소프트맥스 회귀에서 시작해 한 번에
# 하나씩 바꾸며 인식률을 올립니다. 한 단계에 하나만 바꾸므로, 무엇이 얼마나 도왔는지가
# 보입니다.
#
# | 단계 | 내용 | 정확도 (원문) |
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
# - **이 노트북에서 하는 일**: 단계마다 ① 원문의 TF1 프로그램 전체를 원문의 네 블록 그대로
#   `%%tf1` 셀에서 실행하고(원문은 바뀐 줄만 보여 주므로, 바뀐 줄을 넣은 전체 프로그램을
#   쓰고 그 줄에 `◀ 바뀜` 표시), ② TensorFlow 2가 바꾼 것을 보이고, ③ 같은 단계를
#   Keras 3로 처음부터 끝까지 씁니다. 단계마다 두 비용 곡선을 그리고, 끝에 사다리 전체와
#   가장 좋은 모델이 틀린 숫자들, 그리고 원문의 Keras 부분을 봅니다.
# - **설치**: 저장소 폴더에서 `pip install ".[notebooks]"` (Google Colab은 README의
#   "Colab에서" 절). MNIST 파일은 mnist-keras에 들어 있어 내려받지 않습니다.
# - **전체 실행 시간**: 2코어 CPU에서 약 9분.
# - **TF1 → Keras 대응표**: [docs/tf1-to-keras.md](../docs/tf1-to-keras.md)

# %%
# 준비: mnist-keras가 없으면 무엇을 설치할지 한 줄로 알려 주고 멈춥니다. 있으면
# TensorFlow를 조용히 시작하고 %%tf1 셀을 켭니다(%load_ext), 그림은 노트북 안에 그립니다.
import importlib.util

if importlib.util.find_spec("mnist_keras") is None:
    from IPython.core.error import UsageError
    raise UsageError('mnist-keras가 없습니다: 저장소 폴더에서 pip install ".[notebooks]" 를 '
                     '실행하고 커널을 다시 시작하세요')
# %load_ext mnist_keras.tf1
# %matplotlib inline

# %% [markdown]
# ## 그림과 기록
# *English: a few lines shared by every rung: they read the costs and accuracies a rung's
# TF1 program printed (`_tf1_printed`, what the `%%tf1` cells printed since the last
# `tf.reset_default_graph()`), and draw them beside Keras' history. They stand for no
# part of a program.*
#
# 단계마다 TF1 프로그램이 출력한 비용과 정확도를 그 출력(`_tf1_printed`: 마지막
# `tf.reset_default_graph()` 이후 `%%tf1` 셀들이 출력한 글)에서 다시 읽고, Keras의 기록과
# 나란히 그립니다. 프로그램의 일부가 아니라 그림을 위한 코드입니다.

# %%
import re

import matplotlib.pyplot as plt

ladder = {}  # 단계: 그 단계의 결과


def record(rung, printed, history, model):
    """TF1이 출력한 비용·정확도와 Keras의 것을 모으고, 두 비용 곡선을 그립니다."""
    tf1_costs = [float(c) for c in re.findall(r"cost = ([0-9.]+|nan|inf)", printed)]
    tf1_test = float(re.search(r"Accuracy\(test\): ([0-9.]+)", printed).group(1))
    keras_test = model.evaluate(mnist.test.images, mnist.test.labels, verbose=0)[1]
    fig, ax = plt.subplots(figsize=(5, 2.4), dpi=72)
    ax.plot(range(1, len(tf1_costs) + 1), tf1_costs, "o-", ms=3, label="TF1")
    ax.plot(range(1, len(history.history["loss"]) + 1), history.history["loss"], "s-",
            ms=3, label="Keras 3")
    ax.set(xlabel="epoch", ylabel="cost (epoch mean)", yscale="log",
           title=f"rung {rung}: test accuracy TF1 {tf1_test:.4f}, Keras {keras_test:.4f}")
    ax.legend()
    plt.show()
    return {"tf1": tf1_test, "keras": keras_test, "tf1_costs": tf1_costs,
            "keras_costs": history.history["loss"], "model": model}

# %% [markdown]
# ## 0단계 · Softmax 기본 구현 (원문 0.8894)
# *English: rung 0, softmax regression: the simplest model: one layer of 784 x 10 weights
# and a softmax; the text got 0.8894.*
#
# 가장 단순한 모델입니다. 784개의 픽셀에 각각 가중치를 곱해 더하고(`tf.matmul(X, W) + b`),
# 10개의 값(로짓)에 softmax를 씌워 각 숫자일 확률로 읽습니다. 층이 하나뿐이라 픽셀 하나하나가
# 숫자마다 "이 픽셀이 밝으면 이 숫자일 가능성이 높다/낮다"를 배울 뿐이어서, 같은 숫자를
# 조금 다르게 쓴 글씨는 잘 구별하지 못합니다. 원문은 이 모델로 0.8894를 얻었습니다.

# %% [markdown]
# ### TF1 원문 (네 블록, 원문이 나눈 그대로)
# *English: the text's first program in its four blocks, run as written by `%%tf1`;
# `--show_changes` prints what TensorFlow's upgrader changed in each.*

# %%
# %%tf1 --show_changes
import tensorflow as tf
import random

from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)

tf.reset_default_graph()
tf.set_random_seed(1234)

learning_rate = 0.1
training_cnt = 15
batch_size = 100

X = tf.placeholder(tf.float32, [None, 784])
Y = tf.placeholder(tf.float32, [None, 10])

# %%
# %%tf1 --show_changes
W = tf.Variable(tf.random_normal([784, 10]))
b = tf.Variable(tf.random_normal([10]))

logits = tf.matmul(X, W) + b

cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=Y))
optimizer = tf.train.GradientDescentOptimizer(learning_rate)
op_train = optimizer.minimize(cost)

pred = tf.nn.softmax(logits)
prediction = tf.argmax(pred, 1)
true_Y = tf.argmax(Y, 1)
accuracy = tf.reduce_mean(tf.cast(tf.equal(prediction, true_Y), dtype=tf.float32))

# %%
# %%tf1 --show_changes
sess = tf.Session()
init = tf.global_variables_initializer()
sess.run(init)

for epoch in range(training_cnt):
    avg_cost = 0
    total_batch = int(mnist.train.num_examples / batch_size)

    for i in range(total_batch):
        batch_xs, batch_ys = mnist.train.next_batch(batch_size)
        feed_dict = {X: batch_xs, Y: batch_ys}
        c, _ = sess.run([cost, op_train], feed_dict=feed_dict)
        avg_cost += c / total_batch

    print('Epoch:', '%04d' % (epoch + 1), 'cost =',
          '{:.9f}'.format(avg_cost))

print('Learning Finished!')

# %%
# %%tf1 --show_changes
print('Accuracy(train):', sess.run(accuracy, feed_dict={
    X: mnist.train.images, Y: mnist.train.labels}))

print('Accuracy(test):', sess.run(accuracy, feed_dict={
    X: mnist.test.images, Y: mnist.test.labels}))

r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", sess.run(tf.argmax(mnist.test.labels[r:r + 1], 1)))
print("Prediction: ", sess.run(
    prediction, feed_dict={X: mnist.test.images[r:r + 1]}))

# %%
# %%tf1
print(f"TF1 graph: {sum(v.shape.num_elements() for v in tf.trainable_variables()):,} parameters")

# %% [markdown]
# ### TensorFlow 2가 바꾼 것
# *English: what the upgrader changed, and why.*
#
# `--show_changes`가 보여 주듯 TensorFlow 2는 TF1의 그래프/세션 API(`tf.placeholder`,
# `tf.Session`, `tf.train.*Optimizer`, `tf.global_variables_initializer`,
# `tf.reset_default_graph`, `tf.set_random_seed`)를 `tf.compat.v1` 아래로 옮겼습니다. TF 2의
# 기본은 즉시 실행이라 이런 API가 필요 없기 때문입니다. `tf.random_normal`은
# `tf.random.normal`로 이름만, `softmax_cross_entropy_with_logits_v2`는 `_v2`가 빠진 이름으로
# 바뀌었습니다. 아래 Keras 셀에서는 placeholder와 Session이 사라지고 `fit`/`evaluate`가
# 학습과 평가 반복문을 대신합니다.

# %% [markdown]
# ### Keras 3 (0단계 전체)
# *English: the same rung in Keras 3, in full: layers, initialisers, optimizer, `fit`,
# `evaluate`.*

# %%
import numpy as np
import keras

keras.utils.set_random_seed(1234)  # 원문: tf.set_random_seed(1234)
learning_rate = 0.1
normal = keras.initializers.RandomNormal(stddev=1.0)  # tf.random_normal

model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(10, kernel_initializer=normal, bias_initializer=normal),  # logits
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
              loss=keras.losses.CategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
print(f"Keras model: {model.count_params():,} parameters")

epoch_line = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: print(
    'Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.9f}'.format(logs["loss"])))
history = model.fit(mnist.train.images, mnist.train.labels, batch_size=batch_size,
                    epochs=training_cnt, verbose=0, callbacks=[epoch_line])
print('Learning Finished!')

print('Accuracy(train):', model.evaluate(mnist.train.images, mnist.train.labels, verbose=0)[1])
print('Accuracy(test):', model.evaluate(mnist.test.images, mnist.test.labels, verbose=0)[1])
r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", np.argmax(mnist.test.labels[r:r + 1], 1))
print("Prediction: ", np.argmax(model.predict(mnist.test.images[r:r + 1], verbose=0), 1))

# %%
ladder[0] = record(0, _tf1_printed, history, model)

# %% [markdown]
# ## 1단계 · Deep Neural Network + ReLU (원문 0.2279)
# *English: rung 1, a deep net with ReLU (meant to fail): three layers with ReLU, N(0, 1)
# weights and a rate of 0.1: the first logits are huge, one step overshoots, most ReLUs
# die; the text got 0.2279, this run about 0.2, and the three seeds of results/ a constant
# guess (0.1135) or NaN (0.098).*
#
# 층을 세 개로 늘리고(784-256-256-10), 활성화 함수로 ReLU를 씁니다. 그런데 원문도 이 단계에서
# 실패합니다. 첫 에폭의 비용이 137로 시작하고, 끝까지 2.0 근처에서 내려가지 않고, 정확도는
# 0.2279입니다. 원문은 이것을 "Overshooting의 가능성"으로 보고 다음 단계에서 학습률을
# 줄입니다. 이 노트북의 두 실행도 같은 모양으로 실패합니다: 첫 에폭의 비용이 수백(아래의 TF1
# 출력)과 150(Keras), 마지막 비용이 2.0 근처, 정확도가 0.2 근처.
#
# **왜 실패하는가.** 가중치를 표준편차 1인 정규분포에서 뽑으면, 784개의 입력을 더한 첫 층의
# 값은 표준편차가 10 가까이 되고, ReLU 두 층을 지나 마지막 층에 이르면 로짓이 수백에서
# 수천이 됩니다. 그래서 첫 비용이 아주 크고, 학습률 0.1로 이 큰 기울기를 따라가면 가중치가
# 한 번에 크게 튑니다(overshooting). 그 사이에 대부분의 ReLU가 모든 이미지에 0만 내보내는
# "죽은" 상태가 되고, 죽은 ReLU로는 기울기가 흐르지 않아 다시 살아나지 못합니다. 살아남은
# 몇 개의 ReLU만으로 배우므로 정확도는 0.2 근처에서 멈춥니다.
#
# 몇 개가 살아남는지는 난수(초기값, 배치 순서)에 달려 있습니다. `results/`의 세 시드에서는
# 더 나쁘게 끝났습니다:
#
# - **ReLU가 모두 죽으면**(TF1의 세 시드, Keras의 한 시드) 로짓은 마지막 편향 `b3`뿐입니다.
#   학습은 `b3`만 움직여 숫자들의 비율을 배우고, 비용은 ln 10 ≈ 2.30(열 개를 고르게 찍을
#   때의 교차 엔트로피)에 멈춥니다. 모든 이미지에 같은 답을 내므로 정확도는 시험 데이터에서
#   가장 흔한 숫자 1의 비율 **0.1135**입니다.
# - **비용이 넘치면**(Keras의 두 시드) float32의 범위를 넘은 값이 inf가 되고, inf − inf가
#   NaN을 만들어 가중치가 모두 NaN이 됩니다. NaN 로짓의 argmax는 0이므로 정확도는 숫자 0의
#   비율 **0.098**입니다.
#
# 어느 쪽이든 실패이고, 원인(너무 큰 초기값과 학습률)은 같습니다.

# %% [markdown]
# ### TF1 원문 (1단계 전체, `◀ 바뀜`: 0단계에서 바뀐 줄)
# *English: the whole program of rung 1, in the text's four blocks; the lines changed from
# rung 0 are marked, as the text shows only those.*

# %%
# %%tf1 --show_changes
import tensorflow as tf
import random

from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)

tf.reset_default_graph()
tf.set_random_seed(1234)

learning_rate = 0.1
training_cnt = 15
batch_size = 100

X = tf.placeholder(tf.float32, [None, 784])
Y = tf.placeholder(tf.float32, [None, 10])

# %%
# %%tf1 --show_changes
W1 = tf.Variable(tf.random_normal([784, 256]))  # ◀ 바뀜
b1 = tf.Variable(tf.random_normal([256]))  # ◀ 바뀜
L1 = tf.nn.relu(tf.matmul(X, W1) + b1)  # ◀ 바뀜

W2 = tf.Variable(tf.random_normal([256, 256]))  # ◀ 바뀜
b2 = tf.Variable(tf.random_normal([256]))  # ◀ 바뀜
L2 = tf.nn.relu(tf.matmul(L1, W2) + b2)  # ◀ 바뀜

W3 = tf.Variable(tf.random_normal([256, 10]))  # ◀ 바뀜
b3 = tf.Variable(tf.random_normal([10]))  # ◀ 바뀜
logits = tf.matmul(L2, W3) + b3  # ◀ 바뀜

cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=Y))
optimizer = tf.train.GradientDescentOptimizer(learning_rate)
op_train = optimizer.minimize(cost)

pred = tf.nn.softmax(logits)
prediction = tf.argmax(pred, 1)
true_Y = tf.argmax(Y, 1)
accuracy = tf.reduce_mean(tf.cast(tf.equal(prediction, true_Y), dtype=tf.float32))

# %%
# %%tf1 --show_changes
sess = tf.Session()
init = tf.global_variables_initializer()
sess.run(init)

for epoch in range(training_cnt):
    avg_cost = 0
    total_batch = int(mnist.train.num_examples / batch_size)

    for i in range(total_batch):
        batch_xs, batch_ys = mnist.train.next_batch(batch_size)
        feed_dict = {X: batch_xs, Y: batch_ys}
        c, _ = sess.run([cost, op_train], feed_dict=feed_dict)
        avg_cost += c / total_batch

    print('Epoch:', '%04d' % (epoch + 1), 'cost =',
          '{:.9f}'.format(avg_cost))

print('Learning Finished!')

# %%
# %%tf1 --show_changes
print('Accuracy(train):', sess.run(accuracy, feed_dict={
    X: mnist.train.images, Y: mnist.train.labels}))

print('Accuracy(test):', sess.run(accuracy, feed_dict={
    X: mnist.test.images, Y: mnist.test.labels}))

r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", sess.run(tf.argmax(mnist.test.labels[r:r + 1], 1)))
print("Prediction: ", sess.run(
    prediction, feed_dict={X: mnist.test.images[r:r + 1]}))

# %%
# %%tf1
print(f"TF1 graph: {sum(v.shape.num_elements() for v in tf.trainable_variables()):,} parameters")

# %% [markdown]
# ### Keras 3 (1단계 전체)
# *English: the same rung in Keras 3, in full: layers, initialisers, optimizer, `fit`,
# `evaluate`.*

# %%
import numpy as np
import keras

keras.utils.set_random_seed(1234)  # 원문: tf.set_random_seed(1234)
learning_rate = 0.1
normal = keras.initializers.RandomNormal(stddev=1.0)  # tf.random_normal

model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(256, activation="relu", kernel_initializer=normal,
                       bias_initializer=normal),
    keras.layers.Dense(256, activation="relu", kernel_initializer=normal,
                       bias_initializer=normal),
    keras.layers.Dense(10, kernel_initializer=normal, bias_initializer=normal),  # logits
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
              loss=keras.losses.CategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
print(f"Keras model: {model.count_params():,} parameters")

epoch_line = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: print(
    'Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.9f}'.format(logs["loss"])))
history = model.fit(mnist.train.images, mnist.train.labels, batch_size=batch_size,
                    epochs=training_cnt, verbose=0, callbacks=[epoch_line])
print('Learning Finished!')

print('Accuracy(train):', model.evaluate(mnist.train.images, mnist.train.labels, verbose=0)[1])
print('Accuracy(test):', model.evaluate(mnist.test.images, mnist.test.labels, verbose=0)[1])
r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", np.argmax(mnist.test.labels[r:r + 1], 1))
print("Prediction: ", np.argmax(model.predict(mnist.test.images[r:r + 1], verbose=0), 1))

# %%
ladder[1] = record(1, _tf1_printed, history, model)

# %% [markdown]
# ## 2단계 · Learning Rate = 0.01 (원문 0.9247)
# *English: rung 2, a smaller learning rate: the rate from 0.1 to 0.01: no overshooting,
# the ReLUs live, the net learns (text: 0.9247).*
#
# 원문: "Cost가 기존 대비 큰 값(2.xx)을 가지며 더 이상 0에 가깝게 수렴하지 않는다.
# Overshooting의 가능성이 있으므로 learning_rate 값을 줄여본다." 학습률을 0.1에서 0.01로
# 줄이면 한 걸음이 작아져 폭주가 멈추고, ReLU가 살아남아 네트워크가 실제로 배웁니다. 첫
# 비용은 여전히 크지만(초기값이 크기 때문에) 에폭마다 꾸준히 내려갑니다. 원문 0.9247.

# %% [markdown]
# ### TF1 원문 (2단계 전체, `◀ 바뀜`: 1단계에서 바뀐 줄)
# *English: the whole program of rung 2, in the text's four blocks; the lines changed from
# rung 1 are marked, as the text shows only those.*

# %%
# %%tf1 --show_changes
import tensorflow as tf
import random

from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)

tf.reset_default_graph()
tf.set_random_seed(1234)

learning_rate = 0.01  # ◀ 바뀜
training_cnt = 15
batch_size = 100

X = tf.placeholder(tf.float32, [None, 784])
Y = tf.placeholder(tf.float32, [None, 10])

# %%
# %%tf1 --show_changes
W1 = tf.Variable(tf.random_normal([784, 256]))
b1 = tf.Variable(tf.random_normal([256]))
L1 = tf.nn.relu(tf.matmul(X, W1) + b1)

W2 = tf.Variable(tf.random_normal([256, 256]))
b2 = tf.Variable(tf.random_normal([256]))
L2 = tf.nn.relu(tf.matmul(L1, W2) + b2)

W3 = tf.Variable(tf.random_normal([256, 10]))
b3 = tf.Variable(tf.random_normal([10]))
logits = tf.matmul(L2, W3) + b3

cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=Y))
optimizer = tf.train.GradientDescentOptimizer(learning_rate)
op_train = optimizer.minimize(cost)

pred = tf.nn.softmax(logits)
prediction = tf.argmax(pred, 1)
true_Y = tf.argmax(Y, 1)
accuracy = tf.reduce_mean(tf.cast(tf.equal(prediction, true_Y), dtype=tf.float32))

# %%
# %%tf1 --show_changes
sess = tf.Session()
init = tf.global_variables_initializer()
sess.run(init)

for epoch in range(training_cnt):
    avg_cost = 0
    total_batch = int(mnist.train.num_examples / batch_size)

    for i in range(total_batch):
        batch_xs, batch_ys = mnist.train.next_batch(batch_size)
        feed_dict = {X: batch_xs, Y: batch_ys}
        c, _ = sess.run([cost, op_train], feed_dict=feed_dict)
        avg_cost += c / total_batch

    print('Epoch:', '%04d' % (epoch + 1), 'cost =',
          '{:.9f}'.format(avg_cost))

print('Learning Finished!')

# %%
# %%tf1 --show_changes
print('Accuracy(train):', sess.run(accuracy, feed_dict={
    X: mnist.train.images, Y: mnist.train.labels}))

print('Accuracy(test):', sess.run(accuracy, feed_dict={
    X: mnist.test.images, Y: mnist.test.labels}))

r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", sess.run(tf.argmax(mnist.test.labels[r:r + 1], 1)))
print("Prediction: ", sess.run(
    prediction, feed_dict={X: mnist.test.images[r:r + 1]}))

# %%
# %%tf1
print(f"TF1 graph: {sum(v.shape.num_elements() for v in tf.trainable_variables()):,} parameters")

# %% [markdown]
# ### Keras 3 (2단계 전체)
# *English: the same rung in Keras 3, in full: layers, initialisers, optimizer, `fit`,
# `evaluate`.*

# %%
import numpy as np
import keras

keras.utils.set_random_seed(1234)  # 원문: tf.set_random_seed(1234)
learning_rate = 0.01
normal = keras.initializers.RandomNormal(stddev=1.0)  # tf.random_normal

model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(256, activation="relu", kernel_initializer=normal,
                       bias_initializer=normal),
    keras.layers.Dense(256, activation="relu", kernel_initializer=normal,
                       bias_initializer=normal),
    keras.layers.Dense(10, kernel_initializer=normal, bias_initializer=normal),  # logits
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
              loss=keras.losses.CategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
print(f"Keras model: {model.count_params():,} parameters")

epoch_line = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: print(
    'Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.9f}'.format(logs["loss"])))
history = model.fit(mnist.train.images, mnist.train.labels, batch_size=batch_size,
                    epochs=training_cnt, verbose=0, callbacks=[epoch_line])
print('Learning Finished!')

print('Accuracy(train):', model.evaluate(mnist.train.images, mnist.train.labels, verbose=0)[1])
print('Accuracy(test):', model.evaluate(mnist.test.images, mnist.test.labels, verbose=0)[1])
r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", np.argmax(mnist.test.labels[r:r + 1], 1))
print("Prediction: ", np.argmax(model.predict(mnist.test.images[r:r + 1], verbose=0), 1))

# %%
ladder[2] = record(2, _tf1_printed, history, model)

# %% [markdown]
# ## 3단계 · Adam Optimizer 적용 (원문 0.9666)
# *English: rung 3, Adam: Adam instead of gradient descent: a step size per weight, from
# the gradients so far (text: 0.9666).*
#
# 경사하강법 대신 Adam을 씁니다. Adam은 가중치 하나하나마다 최근 기울기의 이동 평균과 그
# 크기(제곱)의 이동 평균을 들고 있다가, 기울기가 큰 가중치는 조금씩, 작은 가중치는 더 크게
# 움직입니다. 그래서 같은 학습률 0.01에서도 첫 에폭의 큰 기울기에 휘둘리지 않고 더 빨리
# 내려갑니다. 원문 0.9666.

# %% [markdown]
# ### TF1 원문 (3단계 전체, `◀ 바뀜`: 2단계에서 바뀐 줄)
# *English: the whole program of rung 3, in the text's four blocks; the lines changed from
# rung 2 are marked, as the text shows only those.*

# %%
# %%tf1 --show_changes
import tensorflow as tf
import random

from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)

tf.reset_default_graph()
tf.set_random_seed(1234)

learning_rate = 0.01
training_cnt = 15
batch_size = 100

X = tf.placeholder(tf.float32, [None, 784])
Y = tf.placeholder(tf.float32, [None, 10])

# %%
# %%tf1 --show_changes
W1 = tf.Variable(tf.random_normal([784, 256]))
b1 = tf.Variable(tf.random_normal([256]))
L1 = tf.nn.relu(tf.matmul(X, W1) + b1)

W2 = tf.Variable(tf.random_normal([256, 256]))
b2 = tf.Variable(tf.random_normal([256]))
L2 = tf.nn.relu(tf.matmul(L1, W2) + b2)

W3 = tf.Variable(tf.random_normal([256, 10]))
b3 = tf.Variable(tf.random_normal([10]))
logits = tf.matmul(L2, W3) + b3

cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=Y))
optimizer = tf.train.AdamOptimizer(learning_rate)  # ◀ 바뀜
op_train = optimizer.minimize(cost)

pred = tf.nn.softmax(logits)
prediction = tf.argmax(pred, 1)
true_Y = tf.argmax(Y, 1)
accuracy = tf.reduce_mean(tf.cast(tf.equal(prediction, true_Y), dtype=tf.float32))

# %%
# %%tf1 --show_changes
sess = tf.Session()
init = tf.global_variables_initializer()
sess.run(init)

for epoch in range(training_cnt):
    avg_cost = 0
    total_batch = int(mnist.train.num_examples / batch_size)

    for i in range(total_batch):
        batch_xs, batch_ys = mnist.train.next_batch(batch_size)
        feed_dict = {X: batch_xs, Y: batch_ys}
        c, _ = sess.run([cost, op_train], feed_dict=feed_dict)
        avg_cost += c / total_batch

    print('Epoch:', '%04d' % (epoch + 1), 'cost =',
          '{:.9f}'.format(avg_cost))

print('Learning Finished!')

# %%
# %%tf1 --show_changes
print('Accuracy(train):', sess.run(accuracy, feed_dict={
    X: mnist.train.images, Y: mnist.train.labels}))

print('Accuracy(test):', sess.run(accuracy, feed_dict={
    X: mnist.test.images, Y: mnist.test.labels}))

r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", sess.run(tf.argmax(mnist.test.labels[r:r + 1], 1)))
print("Prediction: ", sess.run(
    prediction, feed_dict={X: mnist.test.images[r:r + 1]}))

# %%
# %%tf1
print(f"TF1 graph: {sum(v.shape.num_elements() for v in tf.trainable_variables()):,} parameters")

# %% [markdown]
# ### Keras 3 (3단계 전체)
# *English: the same rung in Keras 3, in full: layers, initialisers, optimizer, `fit`,
# `evaluate`.*

# %%
import numpy as np
import keras

keras.utils.set_random_seed(1234)  # 원문: tf.set_random_seed(1234)
learning_rate = 0.01
normal = keras.initializers.RandomNormal(stddev=1.0)  # tf.random_normal

model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(256, activation="relu", kernel_initializer=normal,
                       bias_initializer=normal),
    keras.layers.Dense(256, activation="relu", kernel_initializer=normal,
                       bias_initializer=normal),
    keras.layers.Dense(10, kernel_initializer=normal, bias_initializer=normal),  # logits
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate, epsilon=1e-8),
              loss=keras.losses.CategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
print(f"Keras model: {model.count_params():,} parameters")

epoch_line = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: print(
    'Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.9f}'.format(logs["loss"])))
history = model.fit(mnist.train.images, mnist.train.labels, batch_size=batch_size,
                    epochs=training_cnt, verbose=0, callbacks=[epoch_line])
print('Learning Finished!')

print('Accuracy(train):', model.evaluate(mnist.train.images, mnist.train.labels, verbose=0)[1])
print('Accuracy(test):', model.evaluate(mnist.test.images, mnist.test.labels, verbose=0)[1])
r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", np.argmax(mnist.test.labels[r:r + 1], 1))
print("Prediction: ", np.argmax(model.predict(mnist.test.images[r:r + 1], verbose=0), 1))

# %%
ladder[3] = record(3, _tf1_printed, history, model)

# %% [markdown]
# ## 4단계 · Xavier Initializer 적용 (원문 0.9658)
# *English: rung 4, Xavier initialisation: Glorot (Xavier) uniform weights: a much smaller
# first cost; the text saw accuracy fall by 0.08 points (0.9658), less than a seed moves
# it.*
#
# 가중치의 초기값을 표준편차 1의 정규분포 대신 Xavier(Glorot) 방식으로 정합니다. 입력과 출력
# 개수에 맞춰 범위를 줄인 균등분포라서 초기값이 훨씬 작고, 첫 비용도 훨씬 작아집니다. 원문은
# 여기서 "cost가 더 작은 값을 가지지만 학습 결과는 오히려 나빠졌다"(0.9666 → 0.9658)고
# 보고, 학습률을 더 세밀하게 하려고 다음 단계에서 줄입니다. 그런데 0.08%p는 시드만 바꿔도
# 생기는 차이보다 작습니다. 세 시드의 평균(`results/ladder.md`)으로는 이 단계에서 정확도가
# 오르고(Keras 0.9576 → 0.9689), 이 노트북의 실행도 아래에 보이듯 대개 오릅니다.
# `tf.contrib.layers.xavier_initializer()`는 TF 2에 없고, 변환기가 같은 분포인
# `VarianceScaling(scale=1.0, mode="fan_avg", distribution="uniform")`으로 바꿉니다.

# %% [markdown]
# ### TF1 원문 (4단계 전체, `◀ 바뀜`: 3단계에서 바뀐 줄)
# *English: the whole program of rung 4, in the text's four blocks; the lines changed from
# rung 3 are marked, as the text shows only those.*

# %%
# %%tf1 --show_changes
import tensorflow as tf
import random

from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)

tf.reset_default_graph()
tf.set_random_seed(1234)

learning_rate = 0.01
training_cnt = 15
batch_size = 100

X = tf.placeholder(tf.float32, [None, 784])
Y = tf.placeholder(tf.float32, [None, 10])

# %%
# %%tf1 --show_changes
W1 = tf.get_variable("W1", shape=[784, 256],  # ◀ 바뀜
                     initializer=tf.contrib.layers.xavier_initializer())
b1 = tf.Variable(tf.random_normal([256]))
L1 = tf.nn.relu(tf.matmul(X, W1) + b1)

W2 = tf.get_variable("W2", shape=[256, 256],  # ◀ 바뀜
                     initializer=tf.contrib.layers.xavier_initializer())
b2 = tf.Variable(tf.random_normal([256]))
L2 = tf.nn.relu(tf.matmul(L1, W2) + b2)

W3 = tf.get_variable("W3", shape=[256, 10],  # ◀ 바뀜
                     initializer=tf.contrib.layers.xavier_initializer())
b3 = tf.Variable(tf.random_normal([10]))
logits = tf.matmul(L2, W3) + b3

cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=Y))
optimizer = tf.train.AdamOptimizer(learning_rate)
op_train = optimizer.minimize(cost)

pred = tf.nn.softmax(logits)
prediction = tf.argmax(pred, 1)
true_Y = tf.argmax(Y, 1)
accuracy = tf.reduce_mean(tf.cast(tf.equal(prediction, true_Y), dtype=tf.float32))

# %%
# %%tf1 --show_changes
sess = tf.Session()
init = tf.global_variables_initializer()
sess.run(init)

for epoch in range(training_cnt):
    avg_cost = 0
    total_batch = int(mnist.train.num_examples / batch_size)

    for i in range(total_batch):
        batch_xs, batch_ys = mnist.train.next_batch(batch_size)
        feed_dict = {X: batch_xs, Y: batch_ys}
        c, _ = sess.run([cost, op_train], feed_dict=feed_dict)
        avg_cost += c / total_batch

    print('Epoch:', '%04d' % (epoch + 1), 'cost =',
          '{:.9f}'.format(avg_cost))

print('Learning Finished!')

# %%
# %%tf1 --show_changes
print('Accuracy(train):', sess.run(accuracy, feed_dict={
    X: mnist.train.images, Y: mnist.train.labels}))

print('Accuracy(test):', sess.run(accuracy, feed_dict={
    X: mnist.test.images, Y: mnist.test.labels}))

r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", sess.run(tf.argmax(mnist.test.labels[r:r + 1], 1)))
print("Prediction: ", sess.run(
    prediction, feed_dict={X: mnist.test.images[r:r + 1]}))

# %%
# %%tf1
print(f"TF1 graph: {sum(v.shape.num_elements() for v in tf.trainable_variables()):,} parameters")

# %% [markdown]
# ### TensorFlow 2가 바꾼 것
# *English: what the upgrader changed in this rung, and why.*
#
# 새로 바뀐 것: `tf.get_variable` → `tf.compat.v1.get_variable`, 그리고
# `tf.contrib.layers.xavier_initializer()` → `tf.compat.v1.keras.initializers.VarianceScaling
# (scale=1.0, mode="fan_avg", distribution="uniform")`. `tf.contrib`는 TF 2에서 통째로
# 없어졌고, 변환기가 같은 분포로 바꿔 씁니다. Keras에서는 `GlorotUniform()`입니다.

# %% [markdown]
# ### Keras 3 (4단계 전체)
# *English: the same rung in Keras 3, in full: layers, initialisers, optimizer, `fit`,
# `evaluate`.*

# %%
import numpy as np
import keras

keras.utils.set_random_seed(1234)  # 원문: tf.set_random_seed(1234)
learning_rate = 0.01
normal = keras.initializers.RandomNormal(stddev=1.0)  # tf.random_normal

model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(256, activation="relu", kernel_initializer=keras.initializers.GlorotUniform(),
                       bias_initializer=normal),
    keras.layers.Dense(256, activation="relu", kernel_initializer=keras.initializers.GlorotUniform(),
                       bias_initializer=normal),
    keras.layers.Dense(10, kernel_initializer=keras.initializers.GlorotUniform(), bias_initializer=normal),  # logits
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate, epsilon=1e-8),
              loss=keras.losses.CategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
print(f"Keras model: {model.count_params():,} parameters")

epoch_line = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: print(
    'Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.9f}'.format(logs["loss"])))
history = model.fit(mnist.train.images, mnist.train.labels, batch_size=batch_size,
                    epochs=training_cnt, verbose=0, callbacks=[epoch_line])
print('Learning Finished!')

print('Accuracy(train):', model.evaluate(mnist.train.images, mnist.train.labels, verbose=0)[1])
print('Accuracy(test):', model.evaluate(mnist.test.images, mnist.test.labels, verbose=0)[1])
r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", np.argmax(mnist.test.labels[r:r + 1], 1))
print("Prediction: ", np.argmax(model.predict(mnist.test.images[r:r + 1], verbose=0), 1))

# %%
ladder[4] = record(4, _tf1_printed, history, model)

# %% [markdown]
# ## 5단계 · Learning Rate = 0.001 (원문 0.9789)
# *English: rung 5, a smaller learning rate again: the rate from 0.01 to 0.001: finer
# steps near the minimum (text: 0.9789).*
#
# 원문: "learning rate를 변경해서 더 세밀하게 최적 값을 찾도록 시도해본다." 초기값이 좋아진
# 만큼 학습률을 0.001로 줄이면 최솟값 근처를 더 세밀하게 찾아 들어갑니다. 정확도가 한 번에
# 1%p 넘게 올라 원문 0.9789.

# %% [markdown]
# ### TF1 원문 (5단계 전체, `◀ 바뀜`: 4단계에서 바뀐 줄)
# *English: the whole program of rung 5, in the text's four blocks; the lines changed from
# rung 4 are marked, as the text shows only those.*

# %%
# %%tf1 --show_changes
import tensorflow as tf
import random

from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)

tf.reset_default_graph()
tf.set_random_seed(1234)

learning_rate = 0.001  # ◀ 바뀜
training_cnt = 15
batch_size = 100

X = tf.placeholder(tf.float32, [None, 784])
Y = tf.placeholder(tf.float32, [None, 10])

# %%
# %%tf1 --show_changes
W1 = tf.get_variable("W1", shape=[784, 256],
                     initializer=tf.contrib.layers.xavier_initializer())
b1 = tf.Variable(tf.random_normal([256]))
L1 = tf.nn.relu(tf.matmul(X, W1) + b1)

W2 = tf.get_variable("W2", shape=[256, 256],
                     initializer=tf.contrib.layers.xavier_initializer())
b2 = tf.Variable(tf.random_normal([256]))
L2 = tf.nn.relu(tf.matmul(L1, W2) + b2)

W3 = tf.get_variable("W3", shape=[256, 10],
                     initializer=tf.contrib.layers.xavier_initializer())
b3 = tf.Variable(tf.random_normal([10]))
logits = tf.matmul(L2, W3) + b3

cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=Y))
optimizer = tf.train.AdamOptimizer(learning_rate)
op_train = optimizer.minimize(cost)

pred = tf.nn.softmax(logits)
prediction = tf.argmax(pred, 1)
true_Y = tf.argmax(Y, 1)
accuracy = tf.reduce_mean(tf.cast(tf.equal(prediction, true_Y), dtype=tf.float32))

# %%
# %%tf1 --show_changes
sess = tf.Session()
init = tf.global_variables_initializer()
sess.run(init)

for epoch in range(training_cnt):
    avg_cost = 0
    total_batch = int(mnist.train.num_examples / batch_size)

    for i in range(total_batch):
        batch_xs, batch_ys = mnist.train.next_batch(batch_size)
        feed_dict = {X: batch_xs, Y: batch_ys}
        c, _ = sess.run([cost, op_train], feed_dict=feed_dict)
        avg_cost += c / total_batch

    print('Epoch:', '%04d' % (epoch + 1), 'cost =',
          '{:.9f}'.format(avg_cost))

print('Learning Finished!')

# %%
# %%tf1 --show_changes
print('Accuracy(train):', sess.run(accuracy, feed_dict={
    X: mnist.train.images, Y: mnist.train.labels}))

print('Accuracy(test):', sess.run(accuracy, feed_dict={
    X: mnist.test.images, Y: mnist.test.labels}))

r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", sess.run(tf.argmax(mnist.test.labels[r:r + 1], 1)))
print("Prediction: ", sess.run(
    prediction, feed_dict={X: mnist.test.images[r:r + 1]}))

# %%
# %%tf1
print(f"TF1 graph: {sum(v.shape.num_elements() for v in tf.trainable_variables()):,} parameters")

# %% [markdown]
# ### Keras 3 (5단계 전체)
# *English: the same rung in Keras 3, in full: layers, initialisers, optimizer, `fit`,
# `evaluate`.*

# %%
import numpy as np
import keras

keras.utils.set_random_seed(1234)  # 원문: tf.set_random_seed(1234)
learning_rate = 0.001
normal = keras.initializers.RandomNormal(stddev=1.0)  # tf.random_normal

model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(256, activation="relu", kernel_initializer=keras.initializers.GlorotUniform(),
                       bias_initializer=normal),
    keras.layers.Dense(256, activation="relu", kernel_initializer=keras.initializers.GlorotUniform(),
                       bias_initializer=normal),
    keras.layers.Dense(10, kernel_initializer=keras.initializers.GlorotUniform(), bias_initializer=normal),  # logits
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate, epsilon=1e-8),
              loss=keras.losses.CategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
print(f"Keras model: {model.count_params():,} parameters")

epoch_line = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: print(
    'Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.9f}'.format(logs["loss"])))
history = model.fit(mnist.train.images, mnist.train.labels, batch_size=batch_size,
                    epochs=training_cnt, verbose=0, callbacks=[epoch_line])
print('Learning Finished!')

print('Accuracy(train):', model.evaluate(mnist.train.images, mnist.train.labels, verbose=0)[1])
print('Accuracy(test):', model.evaluate(mnist.test.images, mnist.test.labels, verbose=0)[1])
r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", np.argmax(mnist.test.labels[r:r + 1], 1))
print("Prediction: ", np.argmax(model.predict(mnist.test.images[r:r + 1], verbose=0), 1))

# %%
ladder[5] = record(5, _tf1_printed, history, model)

# %% [markdown]
# ## 6단계 · He Initializer 적용 (원문 0.9795)
# *English: rung 6, He initialisation: He normal weights (variance 2/fan_in), made for
# ReLU (text: 0.9795).*
#
# 원문: "활성화 함수로 ReLU를 사용하는 경우 He Initializer를 사용하는게 효과적이다."
# ReLU는 입력의 절반(음수)을 0으로 만들어 층을 지날 때마다 신호의 분산을 절반으로 줄입니다.
# He 초기화는 가중치의 분산을 2/fan_in(입력 개수에 맞춘 1/fan_in의 두 배)으로 잡아 그
# 절반을 메웁니다(ReLU엔 He). 원문 0.9795: Xavier보다
# 조금 좋습니다. `tf.keras.initializers.he_normal()`은 TF 2에서 Keras 3의 `HeNormal`이고,
# 변환기가 `tf.compat.v1.keras.initializers.he_normal`로 이름을 바꿉니다.

# %% [markdown]
# ### TF1 원문 (6단계 전체, `◀ 바뀜`: 5단계에서 바뀐 줄)
# *English: the whole program of rung 6, in the text's four blocks; the lines changed from
# rung 5 are marked, as the text shows only those.*

# %%
# %%tf1 --show_changes
import tensorflow as tf
import random

from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)

tf.reset_default_graph()
tf.set_random_seed(1234)

learning_rate = 0.001
training_cnt = 15
batch_size = 100

X = tf.placeholder(tf.float32, [None, 784])
Y = tf.placeholder(tf.float32, [None, 10])

# %%
# %%tf1 --show_changes
W1 = tf.get_variable("W1", shape=[784, 256],  # ◀ 바뀜
                     initializer=tf.keras.initializers.he_normal())
b1 = tf.Variable(tf.random_normal([256]))
L1 = tf.nn.relu(tf.matmul(X, W1) + b1)

W2 = tf.get_variable("W2", shape=[256, 256],  # ◀ 바뀜
                     initializer=tf.keras.initializers.he_normal())
b2 = tf.Variable(tf.random_normal([256]))
L2 = tf.nn.relu(tf.matmul(L1, W2) + b2)

W3 = tf.get_variable("W3", shape=[256, 10],  # ◀ 바뀜
                     initializer=tf.keras.initializers.he_normal())
b3 = tf.Variable(tf.random_normal([10]))
logits = tf.matmul(L2, W3) + b3

cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=Y))
optimizer = tf.train.AdamOptimizer(learning_rate)
op_train = optimizer.minimize(cost)

pred = tf.nn.softmax(logits)
prediction = tf.argmax(pred, 1)
true_Y = tf.argmax(Y, 1)
accuracy = tf.reduce_mean(tf.cast(tf.equal(prediction, true_Y), dtype=tf.float32))

# %%
# %%tf1 --show_changes
sess = tf.Session()
init = tf.global_variables_initializer()
sess.run(init)

for epoch in range(training_cnt):
    avg_cost = 0
    total_batch = int(mnist.train.num_examples / batch_size)

    for i in range(total_batch):
        batch_xs, batch_ys = mnist.train.next_batch(batch_size)
        feed_dict = {X: batch_xs, Y: batch_ys}
        c, _ = sess.run([cost, op_train], feed_dict=feed_dict)
        avg_cost += c / total_batch

    print('Epoch:', '%04d' % (epoch + 1), 'cost =',
          '{:.9f}'.format(avg_cost))

print('Learning Finished!')

# %%
# %%tf1 --show_changes
print('Accuracy(train):', sess.run(accuracy, feed_dict={
    X: mnist.train.images, Y: mnist.train.labels}))

print('Accuracy(test):', sess.run(accuracy, feed_dict={
    X: mnist.test.images, Y: mnist.test.labels}))

r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", sess.run(tf.argmax(mnist.test.labels[r:r + 1], 1)))
print("Prediction: ", sess.run(
    prediction, feed_dict={X: mnist.test.images[r:r + 1]}))

# %%
# %%tf1
print(f"TF1 graph: {sum(v.shape.num_elements() for v in tf.trainable_variables()):,} parameters")

# %% [markdown]
# ### TensorFlow 2가 바꾼 것
# *English: what the upgrader changed in this rung, and why.*
#
# 새로 바뀐 것: `tf.keras.initializers.he_normal` → `tf.compat.v1.keras.initializers.
# he_normal`. TF 2.16부터 `tf.keras`는 Keras 3이고, 이 초기화는 Keras 3의 `HeNormal`(절단
# 정규분포, 분산 2/fan_in)입니다.

# %% [markdown]
# ### Keras 3 (6단계 전체)
# *English: the same rung in Keras 3, in full: layers, initialisers, optimizer, `fit`,
# `evaluate`.*

# %%
import numpy as np
import keras

keras.utils.set_random_seed(1234)  # 원문: tf.set_random_seed(1234)
learning_rate = 0.001
normal = keras.initializers.RandomNormal(stddev=1.0)  # tf.random_normal

model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(256, activation="relu", kernel_initializer=keras.initializers.HeNormal(),
                       bias_initializer=normal),
    keras.layers.Dense(256, activation="relu", kernel_initializer=keras.initializers.HeNormal(),
                       bias_initializer=normal),
    keras.layers.Dense(10, kernel_initializer=keras.initializers.HeNormal(), bias_initializer=normal),  # logits
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate, epsilon=1e-8),
              loss=keras.losses.CategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
print(f"Keras model: {model.count_params():,} parameters")

epoch_line = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: print(
    'Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.9f}'.format(logs["loss"])))
history = model.fit(mnist.train.images, mnist.train.labels, batch_size=batch_size,
                    epochs=training_cnt, verbose=0, callbacks=[epoch_line])
print('Learning Finished!')

print('Accuracy(train):', model.evaluate(mnist.train.images, mnist.train.labels, verbose=0)[1])
print('Accuracy(test):', model.evaluate(mnist.test.images, mnist.test.labels, verbose=0)[1])
r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", np.argmax(mnist.test.labels[r:r + 1], 1))
print("Prediction: ", np.argmax(model.predict(mnist.test.images[r:r + 1], verbose=0), 1))

# %%
ladder[6] = record(6, _tf1_printed, history, model)

# %% [markdown]
# ## 7단계 · Deep & Wide Neural Network 확장 (원문 0.982)
# *English: rung 7, deeper and wider: 4 x 512: four hidden layers of 512 (1.2M weights):
# more capacity, and the net starts to memorise its training images (text: 0.982).*
#
# 은닉층을 256개 두 층에서 512개 네 층으로 늘립니다. 가중치가 27만 개에서 120만 개로 늘어
# 더 복잡한 모양을 배울 수 있습니다. 원문 0.982. 그러나 모델이 학습 데이터에 지나치게
# 맞춰지기 시작해, 원문의 학습 데이터 정확도는 0.9985에 이릅니다(과적합). 다음 단계의
# dropout이 이것을 다룹니다.

# %% [markdown]
# ### TF1 원문 (7단계 전체, `◀ 바뀜`: 6단계에서 바뀐 줄)
# *English: the whole program of rung 7, in the text's four blocks; the lines changed from
# rung 6 are marked, as the text shows only those.*

# %%
# %%tf1 --show_changes
import tensorflow as tf
import random

from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)

tf.reset_default_graph()
tf.set_random_seed(1234)

learning_rate = 0.001
training_cnt = 15
batch_size = 100

X = tf.placeholder(tf.float32, [None, 784])
Y = tf.placeholder(tf.float32, [None, 10])

# %%
# %%tf1 --show_changes
W1 = tf.get_variable("W1", shape=[784, 512],  # ◀ 바뀜
                     initializer=tf.keras.initializers.he_normal())
b1 = tf.Variable(tf.random_normal([512]))  # ◀ 바뀜
L1 = tf.nn.relu(tf.matmul(X, W1) + b1)

W2 = tf.get_variable("W2", shape=[512, 512],  # ◀ 바뀜
                     initializer=tf.keras.initializers.he_normal())
b2 = tf.Variable(tf.random_normal([512]))  # ◀ 바뀜
L2 = tf.nn.relu(tf.matmul(L1, W2) + b2)

W3 = tf.get_variable("W3", shape=[512, 512],  # ◀ 바뀜
                     initializer=tf.keras.initializers.he_normal())
b3 = tf.Variable(tf.random_normal([512]))  # ◀ 바뀜
L3 = tf.nn.relu(tf.matmul(L2, W3) + b3)

W4 = tf.get_variable("W4", shape=[512, 512],  # ◀ 바뀜
                     initializer=tf.keras.initializers.he_normal())
b4 = tf.Variable(tf.random_normal([512]))  # ◀ 바뀜
L4 = tf.nn.relu(tf.matmul(L3, W4) + b4)

W5 = tf.get_variable("W5", shape=[512, 10],  # ◀ 바뀜
                     initializer=tf.keras.initializers.he_normal())
b5 = tf.Variable(tf.random_normal([10]))  # ◀ 바뀜
logits = tf.matmul(L4, W5) + b5

cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=Y))
optimizer = tf.train.AdamOptimizer(learning_rate)
op_train = optimizer.minimize(cost)

pred = tf.nn.softmax(logits)
prediction = tf.argmax(pred, 1)
true_Y = tf.argmax(Y, 1)
accuracy = tf.reduce_mean(tf.cast(tf.equal(prediction, true_Y), dtype=tf.float32))

# %%
# %%tf1 --show_changes
sess = tf.Session()
init = tf.global_variables_initializer()
sess.run(init)

for epoch in range(training_cnt):
    avg_cost = 0
    total_batch = int(mnist.train.num_examples / batch_size)

    for i in range(total_batch):
        batch_xs, batch_ys = mnist.train.next_batch(batch_size)
        feed_dict = {X: batch_xs, Y: batch_ys}
        c, _ = sess.run([cost, op_train], feed_dict=feed_dict)
        avg_cost += c / total_batch

    print('Epoch:', '%04d' % (epoch + 1), 'cost =',
          '{:.9f}'.format(avg_cost))

print('Learning Finished!')

# %%
# %%tf1 --show_changes
print('Accuracy(train):', sess.run(accuracy, feed_dict={
    X: mnist.train.images, Y: mnist.train.labels}))

print('Accuracy(test):', sess.run(accuracy, feed_dict={
    X: mnist.test.images, Y: mnist.test.labels}))

r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", sess.run(tf.argmax(mnist.test.labels[r:r + 1], 1)))
print("Prediction: ", sess.run(
    prediction, feed_dict={X: mnist.test.images[r:r + 1]}))

# %%
# %%tf1
print(f"TF1 graph: {sum(v.shape.num_elements() for v in tf.trainable_variables()):,} parameters")

# %% [markdown]
# ### Keras 3 (7단계 전체)
# *English: the same rung in Keras 3, in full: layers, initialisers, optimizer, `fit`,
# `evaluate`.*

# %%
import numpy as np
import keras

keras.utils.set_random_seed(1234)  # 원문: tf.set_random_seed(1234)
learning_rate = 0.001
normal = keras.initializers.RandomNormal(stddev=1.0)  # tf.random_normal

model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(512, activation="relu", kernel_initializer=keras.initializers.HeNormal(),
                       bias_initializer=normal),
    keras.layers.Dense(512, activation="relu", kernel_initializer=keras.initializers.HeNormal(),
                       bias_initializer=normal),
    keras.layers.Dense(512, activation="relu", kernel_initializer=keras.initializers.HeNormal(),
                       bias_initializer=normal),
    keras.layers.Dense(512, activation="relu", kernel_initializer=keras.initializers.HeNormal(),
                       bias_initializer=normal),
    keras.layers.Dense(10, kernel_initializer=keras.initializers.HeNormal(), bias_initializer=normal),  # logits
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate, epsilon=1e-8),
              loss=keras.losses.CategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
print(f"Keras model: {model.count_params():,} parameters")

epoch_line = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: print(
    'Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.9f}'.format(logs["loss"])))
history = model.fit(mnist.train.images, mnist.train.labels, batch_size=batch_size,
                    epochs=training_cnt, verbose=0, callbacks=[epoch_line])
print('Learning Finished!')

print('Accuracy(train):', model.evaluate(mnist.train.images, mnist.train.labels, verbose=0)[1])
print('Accuracy(test):', model.evaluate(mnist.test.images, mnist.test.labels, verbose=0)[1])
r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", np.argmax(mnist.test.labels[r:r + 1], 1))
print("Prediction: ", np.argmax(model.predict(mnist.test.images[r:r + 1], verbose=0), 1))

# %%
ladder[7] = record(7, _tf1_printed, history, model)

# %% [markdown]
# ## 8단계 · Dropout 적용 (원문 0.9845)
# *English: rung 8, dropout: dropout after each hidden layer, keep_prob 0.7 in training
# and 1 in test; Keras' Dropout(0.3) is on in fit and off in evaluate (text: 0.9845).*
#
# 원문: "Dropout은 Overfitting이 일어나지 않도록 중간 중간 무작위로 뉴런을 비활성화하여 성능을
# 향상 시키는 방법이다." 학습할 때 각 은닉층 출력의 30%를 무작위로 끄면(`keep_prob` 0.7), 어느
# 한 뉴런에 기대지 못하고 여러 뉴런이 나눠 배우게 됩니다. 시험할 때는 모두 켭니다
# (`keep_prob` 1). 그래서 `keep_prob`는 값을 나중에 넣는 placeholder입니다. Keras에서는
# `Dropout(0.3)` 층이 같은 일을 하고(끄는 비율을 적습니다), `fit`에서는 켜지고
# `evaluate`/`predict`에서는 저절로 꺼집니다. 원문 0.9845, 사다리의 꼭대기입니다.

# %% [markdown]
# ### TF1 원문 (8단계 전체, `◀ 바뀜`: 7단계에서 바뀐 줄)
# *English: the whole program of rung 8, in the text's four blocks; the lines changed from
# rung 7 are marked, as the text shows only those.*

# %%
# %%tf1 --show_changes
import tensorflow as tf
import random

from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)

tf.reset_default_graph()
tf.set_random_seed(1234)

learning_rate = 0.001
training_cnt = 15
batch_size = 100

X = tf.placeholder(tf.float32, [None, 784])
Y = tf.placeholder(tf.float32, [None, 10])
keep_prob = tf.placeholder(tf.float32)  # ◀ 바뀜

# %%
# %%tf1 --show_changes
W1 = tf.get_variable("W1", shape=[784, 512],
                     initializer=tf.keras.initializers.he_normal())
b1 = tf.Variable(tf.random_normal([512]))
L1 = tf.nn.relu(tf.matmul(X, W1) + b1)
L1 = tf.nn.dropout(L1, keep_prob=keep_prob)  # ◀ 바뀜

W2 = tf.get_variable("W2", shape=[512, 512],
                     initializer=tf.keras.initializers.he_normal())
b2 = tf.Variable(tf.random_normal([512]))
L2 = tf.nn.relu(tf.matmul(L1, W2) + b2)
L2 = tf.nn.dropout(L2, keep_prob=keep_prob)  # ◀ 바뀜

W3 = tf.get_variable("W3", shape=[512, 512],
                     initializer=tf.keras.initializers.he_normal())
b3 = tf.Variable(tf.random_normal([512]))
L3 = tf.nn.relu(tf.matmul(L2, W3) + b3)
L3 = tf.nn.dropout(L3, keep_prob=keep_prob)  # ◀ 바뀜

W4 = tf.get_variable("W4", shape=[512, 512],
                     initializer=tf.keras.initializers.he_normal())
b4 = tf.Variable(tf.random_normal([512]))
L4 = tf.nn.relu(tf.matmul(L3, W4) + b4)
L4 = tf.nn.dropout(L4, keep_prob=keep_prob)  # ◀ 바뀜

W5 = tf.get_variable("W5", shape=[512, 10],
                     initializer=tf.keras.initializers.he_normal())
b5 = tf.Variable(tf.random_normal([10]))
logits = tf.matmul(L4, W5) + b5

cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=Y))
optimizer = tf.train.AdamOptimizer(learning_rate)
op_train = optimizer.minimize(cost)

pred = tf.nn.softmax(logits)
prediction = tf.argmax(pred, 1)
true_Y = tf.argmax(Y, 1)
accuracy = tf.reduce_mean(tf.cast(tf.equal(prediction, true_Y), dtype=tf.float32))

# %%
# %%tf1 --show_changes
sess = tf.Session()
init = tf.global_variables_initializer()
sess.run(init)

for epoch in range(training_cnt):
    avg_cost = 0
    total_batch = int(mnist.train.num_examples / batch_size)

    for i in range(total_batch):
        batch_xs, batch_ys = mnist.train.next_batch(batch_size)
        feed_dict = {X: batch_xs, Y: batch_ys, keep_prob: 0.7}  # ◀ 바뀜
        c, _ = sess.run([cost, op_train], feed_dict=feed_dict)
        avg_cost += c / total_batch

    print('Epoch:', '%04d' % (epoch + 1), 'cost =',
          '{:.9f}'.format(avg_cost))

print('Learning Finished!')

# %%
# %%tf1 --show_changes
print('Accuracy(train):', sess.run(accuracy, feed_dict={
    X: mnist.train.images, Y: mnist.train.labels, keep_prob: 1}))  # ◀ 바뀜

print('Accuracy(test):', sess.run(accuracy, feed_dict={
    X: mnist.test.images, Y: mnist.test.labels, keep_prob: 1}))  # ◀ 바뀜

r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", sess.run(tf.argmax(mnist.test.labels[r:r + 1], 1)))
print("Prediction: ", sess.run(
    prediction, feed_dict={X: mnist.test.images[r:r + 1], keep_prob: 1}))  # ◀ 바뀜

# %%
# %%tf1
print(f"TF1 graph: {sum(v.shape.num_elements() for v in tf.trainable_variables()):,} parameters")

# %% [markdown]
# ### TensorFlow 2가 바꾼 것
# *English: what the upgrader changed in this rung, and why.*
#
# 새로 바뀐 것: `tf.nn.dropout(L1, keep_prob=keep_prob)` → `tf.nn.dropout(L1, rate=1 -
# (keep_prob))`. TF 2의 dropout은 남길 비율(keep_prob) 대신 끌 비율(rate)을 받습니다.
# 변환기가 식을 그대로 옮겨 적으므로 `feed_dict`의 `keep_prob: 0.7`은 바꾸지 않아도 됩니다.

# %% [markdown]
# ### Keras 3 (8단계 전체)
# *English: the same rung in Keras 3, in full: layers, initialisers, optimizer, `fit`,
# `evaluate`.*

# %%
import numpy as np
import keras

keras.utils.set_random_seed(1234)  # 원문: tf.set_random_seed(1234)
learning_rate = 0.001
normal = keras.initializers.RandomNormal(stddev=1.0)  # tf.random_normal

model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(512, activation="relu", kernel_initializer=keras.initializers.HeNormal(),
                       bias_initializer=normal),
    keras.layers.Dropout(0.3),  # keep_prob 0.7: 30%를 끈다
    keras.layers.Dense(512, activation="relu", kernel_initializer=keras.initializers.HeNormal(),
                       bias_initializer=normal),
    keras.layers.Dropout(0.3),  # keep_prob 0.7: 30%를 끈다
    keras.layers.Dense(512, activation="relu", kernel_initializer=keras.initializers.HeNormal(),
                       bias_initializer=normal),
    keras.layers.Dropout(0.3),  # keep_prob 0.7: 30%를 끈다
    keras.layers.Dense(512, activation="relu", kernel_initializer=keras.initializers.HeNormal(),
                       bias_initializer=normal),
    keras.layers.Dropout(0.3),  # keep_prob 0.7: 30%를 끈다
    keras.layers.Dense(10, kernel_initializer=keras.initializers.HeNormal(), bias_initializer=normal),  # logits
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate, epsilon=1e-8),
              loss=keras.losses.CategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
print(f"Keras model: {model.count_params():,} parameters")

epoch_line = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: print(
    'Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.9f}'.format(logs["loss"])))
history = model.fit(mnist.train.images, mnist.train.labels, batch_size=batch_size,
                    epochs=training_cnt, verbose=0, callbacks=[epoch_line])
print('Learning Finished!')

print('Accuracy(train):', model.evaluate(mnist.train.images, mnist.train.labels, verbose=0)[1])
print('Accuracy(test):', model.evaluate(mnist.test.images, mnist.test.labels, verbose=0)[1])
r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", np.argmax(mnist.test.labels[r:r + 1], 1))
print("Prediction: ", np.argmax(model.predict(mnist.test.images[r:r + 1], verbose=0), 1))

# %%
ladder[8] = record(8, _tf1_printed, history, model)

# %% [markdown]
# ## 사다리 한눈에
# *English: the ladder: the text's test accuracy beside this notebook's TF1 and Keras runs,
# rung by rung (rung 1 fails in all three).*
#
# 원문의 정확도와 이 노트북의 두 실행을 단계별로 나란히 놓습니다. 1단계는 셋 다
# 실패합니다(원문 0.2279, 여기서는 모든 이미지에 같은 답을 내는 모델). 나머지 단계는 원문과 같은 방향으로
# 오르며, 값의 차이는 난수(초기값, 배치 순서, dropout 마스크)에서 옵니다. 세 시드의 평균과
# 흔들림은 아래 "정리"와 `results/ladder.md`에 있습니다.

# %%
TEXT = [0.8894, 0.2279, 0.9247, 0.9666, 0.9658, 0.9789, 0.9795, 0.9820, 0.9845]
rungs = sorted(ladder)
fig, ax = plt.subplots(figsize=(7, 3), dpi=72)
for label, values, marker in (("text 002", TEXT, "o"),
                              ("TF1 (this run)", [ladder[n]["tf1"] for n in rungs], "s"),
                              ("Keras 3 (this run)", [ladder[n]["keras"] for n in rungs], "^")):
    ax.plot(rungs, [1 - v for v in values], marker + "-", label=label)
ax.set(xlabel="rung", ylabel="test error (log)", yscale="log", xticks=rungs,
       title="text 002's ladder: test error per rung")
ax.legend()
plt.show()

# %% [markdown]
# ## 가장 좋은 모델이 틀린 숫자
# *English: the test digits the top rung's Keras model (rung 8, dropout) gets wrong, with its
# guess and the true label.*
#
# 8단계 Keras 모델이 틀린 시험 이미지 가운데 앞의 16장입니다. 제목은 "정답 → 모델의 답"
# 입니다. 많은 경우 사람이 봐도 헷갈리는 글씨(끊긴 획, 다른 숫자처럼 기운 모양)입니다.

# %%
probabilities = ladder[8]["model"].predict(mnist.test.images, verbose=0)
guesses, truths = probabilities.argmax(1), mnist.test.labels.argmax(1)
wrong = (guesses != truths).nonzero()[0]
print(f"rung 8, Keras: {len(wrong)} of {len(truths)} test images wrong")
fig, axes = plt.subplots(2, 8, figsize=(8, 2.6), dpi=72)
for ax, i in zip(axes.ravel(), wrong[:16]):
    ax.imshow(mnist.test.images[i].reshape(28, 28), cmap="gray_r")
    ax.set_title(f"{truths[i]} → {guesses[i]}", fontsize=9)
for ax in axes.ravel():
    ax.axis("off")
plt.show()

# %% [markdown]
# ## 원문의 Keras 부분
# *English: the text's own Keras part, wide and deep with dropout on all 60,000 images, as
# the text wrote it (Keras 2), run by `%%tf1`; then the same program with Keras 3's names.*
#
# 원문의 두 번째 장은 같은 4×512 + dropout 모델을 Keras로 씁니다. Keras 2 시절의 코드라서
# `keras.layers.core`, `keras.utils.np_utils` 같은 모듈 이름이 Keras 3에는 없고,
# `mnist.load_data()`는 인터넷에서 파일을 내려받습니다. `%%tf1` 셀은 이 코드를 고치지 않고
# 실행합니다: 옛 모듈 이름을 Keras 3의 같은 이름(`keras.layers`, `keras.utils`)으로 이어 주고,
# `load_data()`는 mnist-keras에 들어 있는 파일을 읽습니다. TF1 코드가 아니므로 그래프 대신
# 즉시 실행으로 돕니다. 원문의 정확도는 0.9825입니다.

# %%
# %%tf1 --show_changes
import numpy as np
from keras.datasets import mnist
from keras.models import Sequential
from keras.layers.core import Dense, Dropout, Activation
from keras.optimizers import Adam
from keras.utils import np_utils

np.random.seed(1234)

training_cnt = 15
BATCH_SIZE = 100
N_HIDDEN = 512

(X_train, y_train), (X_test, y_test) = mnist.load_data()

X_train = X_train.reshape(60000, 784)
X_test = X_test.reshape(10000, 784)
X_train = X_train.astype('float32')
X_test = X_test.astype('float32')

X_train /= 255
X_test /= 255
print(X_train.shape[0], 'train samples')
print(X_test.shape[0], 'test samples')

Y_train = np_utils.to_categorical(y_train, 10)
Y_test = np_utils.to_categorical(y_test, 10)

# %%
# %%tf1
model = Sequential()
model.add(Dense(N_HIDDEN, input_shape=(784,)))
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

# %%
# %%tf1
model.compile(loss='categorical_crossentropy',
              optimizer=Adam(),
              metrics=['accuracy'])

model.fit(X_train, Y_train,
        batch_size=BATCH_SIZE, epochs=training_cnt,
        verbose=2)  # 원문: verbose=1 (진행 막대가 노트북에 길게 남아 에폭마다 한 줄로)

score = model.evaluate(X_test, Y_test, verbose=0)  # 원문: verbose=1
print("\nTest cost:", score[0])
print('Test accuracy:', score[1])

# %% [markdown]
# ### Keras 3로 쓰면
# *English: the same program with Keras 3's names: `keras.Input` instead of `input_shape`,
# `keras.utils.to_categorical`, the layers from `keras.layers`; the data read by mnist-keras.*
#
# Keras 3에서는 `import keras` 하나로 충분하고, 층은 `keras.layers`, `to_categorical`은
# `keras.utils`에 있습니다. 입력 모양은 첫 층의 `input_shape=` 대신 `keras.Input(shape=...)`로
# 알려 줍니다(Keras 3가 권하는 방식). 계산은 위와 같습니다.

# %%
import keras
import numpy as np

keras.utils.set_random_seed(1234)  # 원문: np.random.seed(1234)
(X_train, y_train), (X_test, y_test) = keras.datasets.mnist.load_data()  # mnist-keras의 파일
X_train = X_train.reshape(-1, 784).astype("float32") / 255
X_test = X_test.reshape(-1, 784).astype("float32") / 255
Y_train = keras.utils.to_categorical(y_train, 10)
Y_test = keras.utils.to_categorical(y_test, 10)

model = keras.Sequential([keras.Input(shape=(784,))])
for _ in range(4):
    model.add(keras.layers.Dense(512, activation="relu"))
    model.add(keras.layers.Dropout(0.3))
model.add(keras.layers.Dense(10, activation="softmax"))
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(),
              metrics=["accuracy"])
print(f"Keras model: {model.count_params():,} parameters")
model.fit(X_train, Y_train, batch_size=100, epochs=training_cnt, verbose=2)
score = model.evaluate(X_test, Y_test, verbose=0)
print("Test accuracy:", score[1])

# %% [markdown]
# ## 정리
# *English: each rung's test accuracy: the text's, this notebook's two runs, and the mean
# of three seeds from `python -m mnist_keras.ladder` (`results/ladder.json`).*
#
# 원문, 이 노트북, 그리고 세 시드 평균입니다. 한 번의 실행은 난수에 따라 단계마다 0.02~1.5%p
# 흔들리므로(`results/ladder.md`의 ± 값: 학습률 0.01의 2단계가 가장 크게), 원문과의 차이는 그
# 범위와 견줘 읽어야 합니다. TF1과 Keras는
# 같은 모델이지만 난수를 만드는 방식이 달라 같은 시드에서도 다른 가중치에서 출발합니다.

# %%
import json

summary = {(row["stage"], row["api"]): row["accuracy_mean"]
           for row in json.load(open("../results/ladder.json"))["summary"]}
print("rung   text     TF1     Keras    | results/ 3 seeds: TF1 / Keras")
for n in rungs:
    print(f"{n:>4}   {TEXT[n]:.4f}   {ladder[n]['tf1']:.4f}   {ladder[n]['keras']:.4f}   |"
          f"  {summary[str(n), 'v1']:.4f} / {summary[str(n), 'keras']:.4f}")
