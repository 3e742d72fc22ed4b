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
# # 000 · MNIST를 딥러닝으로: 시그모이드 DNN
# *English: text 000's three-layer sigmoid network, as the text wrote it in TF1, what
# TensorFlow 2 changed in it, and the same model in Keras 3.*
#
# 원문은 지난번 머신러닝(소프트맥스 회귀)으로 풀었던 MNIST를 층 세 개짜리 신경망으로 다시
# 풉니다. 784-256-256-10, 은닉층 활성화 함수는 sigmoid, 가중치와 편향은 모두
# `tf.random_normal`(평균 0, 표준편차 1), 경사하강법(learning rate 0.1), 30 에폭, 배치 100.
# 원문의 정확도는 **91.64%** 입니다.
#
# - **이 노트북에서 하는 일**: ① 원문의 TF1 코드를 원문이 나눈 그대로 `%%tf1` 셀에서
#   실행하고, ② TensorFlow 2가 그 코드에서 무엇을 바꿨는지 셀마다 보여 주고, ③ 같은 모델을
#   Keras 3로 처음부터 끝까지 다시 씁니다. 마지막에 두 비용 곡선을 나란히 그립니다.
# - **설치**: 저장소 폴더에서 `pip install ".[notebooks]"` 한 번이면 됩니다(Google Colab은
#   README의 "Colab에서" 절). MNIST 파일은 mnist-keras에 들어 있어 내려받지 않습니다.
# - **전체 실행 시간**: 2코어 CPU에서 약 1분.
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
# ## 1. 원문의 TF1 코드, 그대로
# *English: the text's program in its own blocks. Each `%%tf1` cell runs TF1 code as
# written: TensorFlow's upgrader (`tf_upgrade_v2`) rewrites it in memory, and
# `--show_changes` prints what it changed, line by line. Consecutive `%%tf1` cells share
# one graph, as a TF1 notebook did.*
#
# `%%tf1` 셀은 원문 코드를 고치지 않고 실행합니다. TensorFlow가 직접 제공하는 변환기
# (`tf_upgrade_v2`)가 메모리에서 `tf.placeholder`를 `tf.compat.v1.placeholder`로 바꾸는
# 식으로 TF 2에서 옮겨진 이름을 고치고, `--show_changes`는 바뀐 줄을 하나씩 보여 줍니다.
# 원문의 `tensorflow.examples.tutorials.mnist`는 TF 2에 없어서 mnist-keras가 같은 이름으로
# 대신 제공합니다(학습 55,000장, 검증 5,000장, 시험 10,000장, `next_batch`).
#
# 원문에는 오타가 세 군데 있습니다. 탭과 공백이 섞인 들여쓰기, `sess.rin`, `tf.reduece_mean`.
# 그대로 실행하면 각각 한 줄짜리 오류가 납니다(`mnist-keras-tf1`로 파일을 실행하면
# `did you mean tf.reduce_mean?`처럼 알려 줍니다). 이 노트북에서는 세 곳만 고쳤습니다.

# %% [markdown]
# ### 2.1 모듈 불러오기 및 데이터셋 준비
# *English: imports, the data, and a look at the first training image.*

# %%
# %%tf1 --show_changes
# module import
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data
import warnings

# load data
mnist = input_data.read_data_sets("./data/mnist", one_hot=True)
# check data
import matplotlib.pyplot as plt

plt.imshow(mnist.train.images[0].reshape(28, 28), cmap='gray')

# %% [markdown]
# ### 2.2 그래프 초기화, placeholder
# *English: a new graph, and the placeholders the data is fed into.*

# %%
# %%tf1 --show_changes
tf.reset_default_graph()

# placeholder
X = tf.placeholder(shape=[None, 784], dtype=tf.float32)
Y = tf.placeholder(shape=[None, 10], dtype=tf.float32)

# %% [markdown]
# ### 2.3 weight, bias
# *English: three layers of weights and biases, all drawn from N(0, 1).*

# %%
# %%tf1 --show_changes
# layer1 : X data 각각에 대해 256번 학습 진행.
W1 = tf.Variable(tf.random_normal([784, 256]), name='weight1')
b1 = tf.Variable(tf.random_normal([256]), name='bias1')
layer1 = tf.sigmoid(tf.matmul(X, W1) + b1)

# layer2 : 256번 학습한 걸 다시 돌려서 256번 학습 진행.
W2 = tf.Variable(tf.random_normal([256, 256]), name='weight2')
b2 = tf.Variable(tf.random_normal([256]), name='bias2')
layer2 = tf.sigmoid(tf.matmul(layer1, W2) + b2)

# layer3 : 최종적으로 10개의 라벨 값에 맞도록 학습 진행.
W3 = tf.Variable(tf.random_normal([256, 10]), name='bias3')
b3 = tf.Variable(tf.random_normal([10]), name='bias3')

# %% [markdown]
# ### 2.4 hypothesis · 2.5 cost · 2.6 train
# *English: logits, the softmax, the cross-entropy cost and gradient descent at 0.1.
# TF 2 drops the `_v2` of the cost's name: it is the same function.*

# %%
# %%tf1 --show_changes
logit = tf.matmul(layer2, W3) + b3
H = tf.nn.softmax(logit)

cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logit, labels=Y))

train = tf.train.GradientDescentOptimizer(learning_rate=0.1).minimize(cost)

# %% [markdown]
# ### 2.7 session, 변수 초기화 · 2.8 학습
# *English: a Session, the variables initialised, then 30 epochs of 550 batches; the cost
# of the last batch is printed every third epoch.*

# %%
# %%tf1 --show_changes
sess = tf.Session()
sess.run(tf.global_variables_initializer())

num_of_epoch = 30 # 전체 학습 횟수
batch_size = 100 # 한 학습 에폭 당 배치 사이즈

for step in range(num_of_epoch):
    num_of_iter = int(mnist.train.num_examples / batch_size)

    cost_val = 0
    for i in range(num_of_iter):
        batch_x, batch_y = mnist.train.next_batch(batch_size)
        _, cost_val = sess.run([train, cost], feed_dict = {X: batch_x, Y: batch_y})  # 원문: sess.rin (오타), 탭 들여쓰기

    if step % 3 == 0:
        print(f"cost 값은 : {cost_val}")

# %% [markdown]
# ### 2.9 정확도 측정
# *English: the accuracy on the 10,000 test images.*

# %%
# %%tf1 --show_changes
pred = tf.argmax(H, 1)
label = tf.argmax(Y, 1)
correct = tf.equal(pred, label)
accuracy = tf.reduce_mean(tf.cast(correct, dtype=tf.float32))  # 원문: tf.reduece_mean (오타)
result = sess.run(accuracy, feed_dict = {X: mnist.test.images, Y: mnist.test.labels})
print(f"정확도는 {result * 100}%입니다.")

# %%
# %%tf1
print(f"TF1 graph: {sum(v.shape.num_elements() for v in tf.trainable_variables()):,} parameters")

# %% [markdown]
# ## 2. TensorFlow 2가 바꾼 것
# *English: what the upgrader changed above, and why each was needed.*
#
# 위의 `--show_changes` 출력이 TensorFlow 2가 이 코드에서 바꾼 전부입니다.
#
# - `tf.placeholder`, `tf.Session`, `tf.train.GradientDescentOptimizer`,
#   `tf.global_variables_initializer`, `tf.reset_default_graph`: TF1의 "그래프를 먼저 만들고
#   세션에서 실행하는" 방식의 API는 TF 2에서 `tf.compat.v1` 아래로 옮겨졌습니다. TF 2의 기본은
#   즉시 실행(eager)이라서, 값이 나중에 들어오는 placeholder나 그래프를 돌리는 Session이
#   필요 없기 때문입니다.
# - `tf.random_normal`은 `tf.random.normal`로 이름만 바뀌었습니다.
# - `softmax_cross_entropy_with_logits_v2`는 TF 2에서 `_v2`가 빠진 이름이 됐습니다. TF1의
#   (v2가 아닌) 옛 함수는 label 쪽으로 기울기가 흐르지 않았을 뿐, 계산은 같습니다.
#
# 각 API의 TF1 이름, `tf.compat.v1` 이름, Keras 3에서 같은 일을 하는 코드는
# [docs/tf1-to-keras.md](../docs/tf1-to-keras.md)에 표로 모아 두었습니다.

# %% [markdown]
# ## 3. 같은 모델을 Keras 3로
# *English: the same model in Keras 3, in full: the same layers and N(0, 1) initialisers,
# gradient descent at 0.1, 30 epochs of batches of 100, the same 55,000 images. The
# softmax lives in the loss (`from_logits=True`), as it does in the TF1 cost.*
#
# Keras에서는 placeholder도 Session도 없습니다. 층을 `keras.Sequential`에 순서대로 쌓고,
# `compile`로 비용 함수와 최적화 방법을 정하고, `fit`이 배치를 나눠 학습하고, `evaluate`가
# 정확도를 잽니다. TF1 코드의 `for step ... for i ... sess.run(...)` 두 겹 반복문이
# `fit` 한 줄이 됩니다. 원문처럼 3 에폭마다 비용을 출력합니다(원문은 그 에폭 마지막 배치의
# 비용, Keras는 그 에폭의 평균 비용).

# %%
import keras

keras.utils.set_random_seed(1234)
normal = keras.initializers.RandomNormal(mean=0.0, stddev=1.0)  # tf.random_normal 과 같은 분포

model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(256, activation="sigmoid", kernel_initializer=normal, bias_initializer=normal),
    keras.layers.Dense(256, activation="sigmoid", kernel_initializer=normal, bias_initializer=normal),
    keras.layers.Dense(10, kernel_initializer=normal, bias_initializer=normal),  # logit
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
              loss=keras.losses.CategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
print(f"Keras model: {model.count_params():,} parameters")

every_3 = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: print(
    f"cost 값은 : {logs['loss']}") if epoch % 3 == 0 else None)
history = model.fit(mnist.train.images, mnist.train.labels, batch_size=batch_size,
                    epochs=num_of_epoch, verbose=0, callbacks=[every_3])

_, result = model.evaluate(mnist.test.images, mnist.test.labels, verbose=0)
print(f"정확도는 {result * 100}%입니다.")

# %% [markdown]
# ## 4. 두 비용 곡선
# *English: the costs TF1 printed (the last batch's, every third epoch) beside Keras'
# (each epoch's mean).*
#
# TF1 프로그램이 출력한 비용을 그 출력(`_tf1_printed`, `%%tf1` 셀들이 출력한 글)에서 다시
# 읽어 Keras의 비용과 함께 그립니다. 둘 다 처음 몇 에폭에 빠르게 내려가고 그 뒤로는 천천히
# 내려갑니다. 가중치가 N(0, 1)이라 시그모이드가 처음부터 0이나 1 근처에 붙어 있어서
# (기울기가 작아서) 학습이 느립니다. 이 문제는 다음 글들에서 ReLU와 더 작은 초기값으로
# 풀립니다.

# %%
import re

import matplotlib.pyplot as plt

tf1_costs = [float(c) for c in re.findall(r"cost 값은 : ([0-9.e+-]+)", _tf1_printed)]
fig, ax = plt.subplots(figsize=(5, 2.6), dpi=72)
ax.plot(range(1, num_of_epoch + 1, 3), tf1_costs, "o-", label="TF1 (last batch)")
ax.plot(range(1, num_of_epoch + 1), history.history["loss"], label="Keras 3 (epoch mean)")
ax.set(xlabel="epoch", ylabel="cost", yscale="log", title="text 000: cost")
ax.legend()
plt.show()

# %% [markdown]
# ## 정리
# *English: the text's test accuracy, this notebook's two runs, and the mean of three
# seeds from `python -m mnist_keras.ladder` (`results/ladder.json`, stage `sigmoid`).*
#
# 원문, 이 노트북, 그리고 `results/`의 세 시드 평균을 나란히 놓습니다. 같은 모델이라도
# 가중치의 첫 값과 배치 순서가 난수라서 실행마다 0.3%p 안팎 달라집니다. 원문의 91.64%는
# 그 범위 안에 있습니다.

# %%
import json

summary = {(row["stage"], row["api"]): row["accuracy_mean"]
           for row in json.load(open("../results/ladder.json"))["summary"]}
tf1_accuracy = float(re.search(r"정확도는 ([0-9.]+)%", _tf1_printed).group(1)) / 100
print("                                 test accuracy")
print(f"text 000                         {0.9164:.4f}")
print(f"this notebook, TF1               {tf1_accuracy:.4f}")
print(f"this notebook, Keras             {result:.4f}")
print(f"results/, 3 seeds, TF1 / Keras   {summary['sigmoid', 'v1']:.4f} / {summary['sigmoid', 'keras']:.4f}")
