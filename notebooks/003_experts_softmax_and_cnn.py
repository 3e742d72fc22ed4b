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
# # 003 · Deep MNIST for Experts: 소프트맥스 회귀, 그리고 합성곱 신경망
# *English: TensorFlow's "Deep MNIST for Experts", which text 003 translates: its softmax
# regression (about 91%) and its convolutional net (about 99.2%), as the tutorial wrote
# them in TF1, what TensorFlow 2 changed, and both in Keras 3.*
#
# 원문은 TensorFlow 공식 튜토리얼 "Deep MNIST for Experts"의 한국어 번역이고, 코드는 싣지
# 않았습니다. 그래서 이 노트북의 "원문 코드"는 번역된 그 튜토리얼의 코드입니다:
# `tensorflow/g3doc/tutorials/mnist/pros/index.md`, TensorFlow 0.7~0.8 시절의 판.
# 번역이 말하는 그대로 비용은 미니배치 전체에 대해 **합한** 교차 엔트로피
# (`-tf.reduce_sum(y_*tf.log(y))`), 경사하강법의 학습률은 **0.01**, 한 번에 **50개**, 결과는
# **약 91%** 인 판입니다(뒤의 판은 평균(`reduce_mean`)과 0.5, 100개, 92%로 바뀌었습니다).
# 합성곱 신경망도 같은 판의 코드(합한 비용, Adam 1e-4, 20,000 스텝)이고, **약 99.2%** 입니다.
#
# - **이 노트북에서 하는 일**: 튜토리얼의 코드 조각을 튜토리얼의 순서대로 `%%tf1` 셀에서
#   실행하고(대화형 세션 `InteractiveSession`과 `.eval()`, `.run()` 그대로), TensorFlow 2가
#   바꾼 것을 보이고, 두 모델을 Keras 3로 다시 씁니다. 학습 곡선과 합성곱 신경망의 혼동
#   행렬을 그립니다.
# - **설치**: 저장소 폴더에서 `pip install ".[notebooks]"` (Google Colab은 README의
#   "Colab에서" 절). MNIST 파일은 mnist-keras에 들어 있어 내려받지 않습니다.
# - **전체 실행 시간**: 2코어 CPU에서 약 20분(합성곱 신경망 20,000 스텝을 TF1과 Keras로 한
#   번씩).
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
# ## 설정: MNIST 데이터 불러오기, TensorFlow 대화형 세션
# *English: the data, then an `InteractiveSession`, which makes itself the default session,
# so that `.eval()` and `.run()` need no session argument.*
#
# 튜토리얼의 `input_data`는 TF 2에 없어서 mnist-keras가 같은 이름으로 대신 제공합니다(학습
# 55,000, 검증 5,000, 시험 10,000장). `InteractiveSession`은 만들어지는 순간 기본 세션이
# 되므로, 뒤에서 `accuracy.eval(...)`, `train_step.run(...)`처럼 세션을 적지 않고 실행할 수
# 있습니다. 튜토리얼이 IPython 같은 대화형 환경에 편하다고 말하는 이유입니다.

# %%
# %%tf1 --show_changes
from tensorflow.examples.tutorials.mnist import input_data
mnist = input_data.read_data_sets('MNIST_data', one_hot=True)

# %%
# %%tf1 --show_changes
import tensorflow as tf
sess = tf.InteractiveSession()

# %% [markdown]
# ## 소프트맥스 회귀 모델 만들기
# *English: placeholders, variables from zeros, the model in one line, the summed
# cross-entropy and gradient descent at 0.01.*
#
# `x`와 `y_`는 값이 아니라 나중에 넣을 자리(placeholder)이고, `W`와 `b`는 0으로 채워 시작하는
# 변수입니다. 변수는 세션에서 초기화해야 쓸 수 있습니다(`tf.initialize_all_variables()`, 뒤의
# 판에서는 `tf.global_variables_initializer()`). 비용은 미니배치 50장 전체에 대해 **합한** 교차
# 엔트로피라서, 평균을 쓰는 뒤의 판의 학습률 0.5와 이 판의 0.01 × 50 = 0.5는 같은 걸음입니다.

# %%
# %%tf1 --show_changes
x = tf.placeholder(tf.float32, shape=[None, 784])
y_ = tf.placeholder(tf.float32, shape=[None, 10])

W = tf.Variable(tf.zeros([784,10]))
b = tf.Variable(tf.zeros([10]))

sess.run(tf.initialize_all_variables())

y = tf.nn.softmax(tf.matmul(x,W) + b)

cross_entropy = -tf.reduce_sum(y_*tf.log(y))

# %% [markdown]
# ### 모델 훈련시키기, 모델 평가하기
# *English: 1,000 steps of 50 images; then the accuracy on the test images.*

# %%
# %%tf1 --show_changes
train_step = tf.train.GradientDescentOptimizer(0.01).minimize(cross_entropy)

for i in range(1000):
  batch = mnist.train.next_batch(50)
  train_step.run(feed_dict={x: batch[0], y_: batch[1]})

correct_prediction = tf.equal(tf.argmax(y,1), tf.argmax(y_,1))

accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

print(accuracy.eval(feed_dict={x: mnist.test.images, y_: mnist.test.labels}))

# %%
# %%tf1
print(f"TF1 graph: {W.shape.num_elements() + b.shape.num_elements():,} parameters")

# %% [markdown]
# ### TensorFlow 2가 바꾼 것
# *English: what the upgrader changed in the softmax part.*
#
# - `tf.InteractiveSession`, `tf.placeholder`, `tf.train.GradientDescentOptimizer` →
#   `tf.compat.v1.…`: 그래프를 만들고 세션에서 돌리는 TF1 방식의 API입니다.
# - `tf.initialize_all_variables()` → `tf.compat.v1.initialize_all_variables()`: TF 0.12에서
#   이미 `tf.global_variables_initializer()`로 이름이 바뀐 더 옛 이름입니다. TF 2의
#   `compat.v1`에도 남아 있습니다.
# - `tf.log` → `tf.math.log`: 수학 함수들이 `tf.math` 아래로 정리됐습니다.
# - `.eval()`과 `.run()`은 바뀌지 않았습니다. 그래프의 텐서와 연산이 기본 세션
#   (`InteractiveSession`)에서 스스로를 실행하는 TF1의 방법이고, `%%tf1` 셀의 그래프 안에서는
#   그대로 동작합니다.

# %% [markdown]
# ### 소프트맥스 회귀를 Keras 3로
# *English: the same regression in Keras 3: a Dense layer with a softmax from zeros, the
# cross-entropy summed over each batch of 50, gradient descent at 0.01, 1,000 steps
# (50,000 images, once).*
#
# `Dense(10, activation="softmax")`가 `tf.nn.softmax(tf.matmul(x,W) + b)`이고, 비용을 합하는
# 것은 `CategoricalCrossentropy(reduction="sum")`입니다. 1,000 스텝 × 50장 = 50,000장이므로
# 학습 이미지 55,000장 가운데 50,000장을 한 번 씁니다.

# %%
import keras
import numpy as np

keras.utils.set_random_seed(1234)
softmax = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(10, activation="softmax", kernel_initializer="zeros", bias_initializer="zeros"),
])
softmax.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01),
                loss=keras.losses.CategoricalCrossentropy(reduction="sum"),
                metrics=["accuracy"])
print(f"Keras model: {softmax.count_params():,} parameters")
softmax.fit(mnist.train.images[:50000], mnist.train.labels[:50000], batch_size=50, epochs=1,
            verbose=0)
print(softmax.evaluate(mnist.test.images, mnist.test.labels, verbose=0)[1])

# %% [markdown]
# ## 다중 계층 합성곱 네트워크
# *English: the convolutional net, snippet by snippet in the tutorial's order, in the same
# graph and session as the regression above.*
#
# 튜토리얼은 91%를 "부끄러울 정도로 나쁘다"고 하고 작은 합성곱 신경망으로 넘어갑니다.
# 가중치는 표준편차 0.1의 절단 정규분포(대칭을 깨고 기울기 0을 피하려고), 편향은 0.1(ReLU가
# "죽지" 않게 조금 양수로)에서 시작합니다. 합성곱은 스트라이드 1에 크기를 유지하는 패딩('SAME'),
# 풀링은 2×2 최대 풀링입니다.

# %%
# %%tf1 --show_changes
def weight_variable(shape):
  initial = tf.truncated_normal(shape, stddev=0.1)
  return tf.Variable(initial)

def bias_variable(shape):
  initial = tf.constant(0.1, shape=shape)
  return tf.Variable(initial)

def conv2d(x, W):
  return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding='SAME')

def max_pool_2x2(x):
  return tf.nn.max_pool(x, ksize=[1, 2, 2, 1],
                        strides=[1, 2, 2, 1], padding='SAME')

# %% [markdown]
# ### 첫 번째 합성곱 계층, 두 번째 합성곱 계층
# *English: 32 features of 5x5, then 64; each pooled to half the size: 28 → 14 → 7.*

# %%
# %%tf1 --show_changes
W_conv1 = weight_variable([5, 5, 1, 32])
b_conv1 = bias_variable([32])

x_image = tf.reshape(x, [-1,28,28,1])

h_conv1 = tf.nn.relu(conv2d(x_image, W_conv1) + b_conv1)
h_pool1 = max_pool_2x2(h_conv1)

W_conv2 = weight_variable([5, 5, 32, 64])
b_conv2 = bias_variable([64])

h_conv2 = tf.nn.relu(conv2d(h_pool1, W_conv2) + b_conv2)
h_pool2 = max_pool_2x2(h_conv2)

# %% [markdown]
# ### 완전 연결 계층, 드롭아웃(Dropout), 출력층
# *English: a dense layer of 1024 on the 7x7x64 maps, dropout with a `keep_prob`
# placeholder, and a softmax readout.*

# %%
# %%tf1 --show_changes
W_fc1 = weight_variable([7 * 7 * 64, 1024])
b_fc1 = bias_variable([1024])

h_pool2_flat = tf.reshape(h_pool2, [-1, 7*7*64])
h_fc1 = tf.nn.relu(tf.matmul(h_pool2_flat, W_fc1) + b_fc1)

keep_prob = tf.placeholder(tf.float32)
h_fc1_drop = tf.nn.dropout(h_fc1, keep_prob)

W_fc2 = weight_variable([1024, 10])
b_fc2 = bias_variable([10])

y_conv=tf.nn.softmax(tf.matmul(h_fc1_drop, W_fc2) + b_fc2)

# %%
# %%tf1
cnn_weights = [W_conv1, b_conv1, W_conv2, b_conv2, W_fc1, b_fc1, W_fc2, b_fc2]
print(f"TF1 graph: {sum(v.shape.num_elements() for v in cnn_weights):,} parameters")

# %% [markdown]
# ### 모델 훈련 및 평가
# *English: Adam at 1e-4 instead of gradient descent, `keep_prob` 0.5 in training and 1.0
# when measuring, 20,000 steps of 50 images. The tutorial logs every 100 steps; here every
# 1,000, to keep the output short (the one change to its code).*
#
# 경사하강법 대신 Adam을 쓰고, 학습할 때만 드롭아웃을 켭니다(`keep_prob` 0.5). 튜토리얼은
# 100 스텝마다 그 배치의 정확도를 출력하지만, 20,000 스텝이면 200줄이라 이 노트북에서는 1,000
# 스텝마다 출력합니다. 코드에서 바꾼 것은 이 한 곳뿐입니다. 2코어 CPU에서 약 10분 걸립니다.

# %%
# %%tf1 --show_changes
cross_entropy = -tf.reduce_sum(y_*tf.log(y_conv))
train_step = tf.train.AdamOptimizer(1e-4).minimize(cross_entropy)
correct_prediction = tf.equal(tf.argmax(y_conv,1), tf.argmax(y_,1))
accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
sess.run(tf.initialize_all_variables())
for i in range(20000):
  batch = mnist.train.next_batch(50)
  if i%1000 == 0:  # 튜토리얼: i%100 (출력을 짧게)
    train_accuracy = accuracy.eval(feed_dict={
        x:batch[0], y_: batch[1], keep_prob: 1.0})
    print("step %d, training accuracy %g"%(i, train_accuracy))
  train_step.run(feed_dict={x: batch[0], y_: batch[1], keep_prob: 0.5})

print("test accuracy %g"%accuracy.eval(feed_dict={
    x: mnist.test.images, y_: mnist.test.labels, keep_prob: 1.0}))

# %% [markdown]
# ### TensorFlow 2가 바꾼 것
# *English: what the upgrader changed in the convolutional net.*
#
# - `tf.truncated_normal` → `tf.random.truncated_normal`, `tf.log` → `tf.math.log`: 이름만
#   정리됐습니다.
# - `tf.nn.max_pool` → `tf.nn.max_pool2d`: 차원이 이름에 붙었습니다.
# - `tf.nn.dropout(h_fc1, keep_prob)` → `tf.nn.dropout(h_fc1, rate=1 - (keep_prob))`: TF 2의
#   dropout은 남길 비율 대신 끌 비율을 받습니다. 변환기가 식을 옮겨 적으므로
#   `feed_dict`의 `keep_prob: 0.5`는 그대로입니다.
# - `tf.nn.conv2d`, `tf.reshape`, `tf.nn.relu`, `tf.matmul`은 그대로입니다.

# %% [markdown]
# ### 합성곱 신경망을 Keras 3로
# *English: the same net in Keras 3: `Conv2D` and `MaxPooling2D` layers with the tutorial's
# initialisers, `Dropout(0.5)`, a softmax readout, the summed cross-entropy, Adam at 1e-4,
# 20,000 steps of 50 shuffled images; the batch accuracy every 1,000 steps.*
#
# `tf.nn.conv2d` + 편향 + ReLU가 `Conv2D(..., padding="same", activation="relu")` 한 층이고,
# `max_pool_2x2`가 `MaxPooling2D(2)`입니다. `keep_prob` placeholder 대신 `Dropout(0.5)`이
# `fit`에서만 켜집니다. 스텝 단위로 학습하므로 이미지를 섞어 끝없이 이어 주는 `tf.data`
# 파이프라인에서 1,000 스텝씩 20번 `fit`합니다.

# %%
import tensorflow as tf

keras.utils.set_random_seed(1234)
weights = dict(kernel_initializer=keras.initializers.TruncatedNormal(stddev=0.1),
               bias_initializer=keras.initializers.Constant(0.1))
cnn = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Reshape((28, 28, 1)),  # x_image
    keras.layers.Conv2D(32, 5, padding="same", activation="relu", **weights),
    keras.layers.MaxPooling2D(2, padding="same"),
    keras.layers.Conv2D(64, 5, padding="same", activation="relu", **weights),
    keras.layers.MaxPooling2D(2, padding="same"),
    keras.layers.Flatten(),  # h_pool2_flat
    keras.layers.Dense(1024, activation="relu", **weights),
    keras.layers.Dropout(0.5),  # keep_prob 0.5
    keras.layers.Dense(10, activation="softmax", **weights),  # y_conv
])
cnn.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-4, epsilon=1e-8),
            loss=keras.losses.CategoricalCrossentropy(reduction="sum"),
            metrics=["accuracy"])
print(f"Keras model: {cnn.count_params():,} parameters")

cnn_steps = 20000
images = tf.data.Dataset.from_tensor_slices((mnist.train.images, mnist.train.labels))
batches = images.shuffle(len(mnist.train.images), seed=1234).repeat().batch(50)
log_every = min(1000, cnn_steps)
keras_steps = []
for step in range(0, cnn_steps, log_every):
    x_batch, y_batch = next(iter(batches.take(1)))
    train_accuracy = cnn.evaluate(x_batch, y_batch, verbose=0)[1]
    print("step %d, training accuracy %g" % (step, train_accuracy))
    keras_steps.append((step, train_accuracy))
    cnn.fit(batches, steps_per_epoch=log_every, epochs=1, verbose=0, shuffle=False)
print("test accuracy %g" % cnn.evaluate(mnist.test.images, mnist.test.labels, verbose=0)[1])

# %% [markdown]
# ## 두 학습 곡선과 혼동 행렬
# *English: the batch accuracy both runs printed every 1,000 steps; then the confusion
# matrix of the TF1 net on the 10,000 test images: which digit it took for which.*
#
# 왼쪽은 두 실행이 1,000 스텝마다 출력한 배치 정확도(50장이라 들쭉날쭉합니다)입니다. 오른쪽은
# TF1 합성곱 신경망의 혼동 행렬입니다. 행이 정답, 열이 모델의 답이고, 대각선 밖의 숫자가
# 틀린 이미지 수입니다(색이 진할수록 많이 틀린 짝). 모양이 닮은 숫자끼리 헷갈리는지 찾아
# 보세요.

# %%
import re

import matplotlib.pyplot as plt

tf1_steps = [(int(s), float(a)) for s, a in
             re.findall(r"step (\d+), training accuracy ([0-9.]+)", _tf1_printed)]
probabilities = sess.run(y_conv, feed_dict={x: mnist.test.images, keep_prob: 1.0})
truth, guess = mnist.test.labels.argmax(1), probabilities.argmax(1)
confusion = np.zeros((10, 10), int)
np.add.at(confusion, (truth, guess), 1)

fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6), dpi=72)
left.plot(*zip(*tf1_steps), "o-", ms=3, label="TF1")
left.plot(*zip(*keras_steps), "s-", ms=3, label="Keras 3")
left.set(xlabel="step", ylabel="batch accuracy (50 images)", title="the CNN while it trains")
left.legend()
off = np.where(np.eye(10, dtype=bool), 0, confusion)
right.imshow(off, cmap="Reds")
for i in range(10):
    for j in range(10):
        if confusion[i, j]:
            right.text(j, i, confusion[i, j], ha="center", va="center", fontsize=7,
                       color="gray" if i == j else "black")
right.set(xlabel="predicted", ylabel="true", xticks=range(10), yticks=range(10),
          title=f"TF1 CNN: {int(off.sum())} of {len(truth)} wrong")
plt.show()

# %% [markdown]
# ## 정리
# *English: the tutorial's figures, this notebook's two runs of each model, and three seeds
# from `results/ladder.json` (stages `experts_softmax` and `9`, the latter trained with the
# mean loss of the later revision).*
#
# 튜토리얼이 말한 "약 91%"와 "약 99.2%", 이 노트북의 실행, 그리고 `python -m
# mnist_keras.ladder`의 세 시드 평균입니다. 라이브러리의 `9`단계는 뒤의 판처럼 평균 비용으로
# 학습합니다: Adam은 비용의 크기(합 또는 평균)에 거의 영향을 받지 않아 같은 결과를 냅니다.

# %%
import json

summary = {(row["stage"], row["api"]): row["accuracy_mean"]
           for row in json.load(open("../results/ladder.json"))["summary"]}
tf1_softmax = float(_tf1_printed.split("\n")[0])
tf1_cnn = float(re.search(r"test accuracy ([0-9.]+)", _tf1_printed).group(1))
keras_softmax = softmax.evaluate(mnist.test.images, mnist.test.labels, verbose=0)[1]
keras_cnn = cnn.evaluate(mnist.test.images, mnist.test.labels, verbose=0)[1]
print("                  tutorial   TF1      Keras    | results/ 3 seeds: TF1 / Keras")
print(f"softmax           {0.91:.4f}     {tf1_softmax:.4f}   {keras_softmax:.4f}   |  "
      f"{summary['experts_softmax', 'v1']:.4f} / {summary['experts_softmax', 'keras']:.4f}")
print(f"CNN               {0.992:.4f}     {tf1_cnn:.4f}   {keras_cnn:.4f}   |  "
      f"{summary['9', 'v1']:.4f} / {summary['9', 'keras']:.4f}")
