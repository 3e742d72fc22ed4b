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
# # 001 · MNIST를 DNN으로: 은닉층에 softmax, 그리고 Adam
# *English: text 001's DNN with softmax as its hidden activation and Adam, as the text
# wrote it in TF1, what TensorFlow 2 changed in it, and the same model in Keras 3.*
#
# 원문([코드로 이해하는 딥러닝 11-EX])은 [10]의 MNIST와 [11]의 DNN을 합쳐 한 번 돌려 보는
# 글입니다. 784-256-256-10, 은닉층의 활성화 함수가 ReLU가 아니라 **softmax**, 가중치와
# 편향은 `tf.random_normal`, 최적화는 새로 등장한 **Adam**(learning rate 0.001), 15 에폭,
# 배치 100, `tf.set_random_seed(777)`. 원문의 정확도는 **0.8405** 입니다.
#
# - **이 노트북에서 하는 일**: ① 원문의 "코드 전문"을 한 `%%tf1` 셀에서 그대로 실행하고,
#   ② TensorFlow 2가 바꾼 줄을 보여 주고, ③ 같은 모델을 Keras 3로 다시 씁니다. 두 비용
#   곡선을 나란히 그리고, 은닉층 softmax가 왜 정확도를 떨어뜨리는지 봅니다.
# - **설치**: 저장소 폴더에서 `pip install ".[notebooks]"` (Google Colab은 README의
#   "Colab에서" 절). MNIST 파일은 mnist-keras에 들어 있어 내려받지 않습니다.
# - **전체 실행 시간**: 2코어 CPU에서 1분이 안 걸립니다.
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
# *English: the text's full listing in one `%%tf1` cell, run as written; `--show_changes`
# prints what TensorFlow's upgrader changed. The blog page dropped some commas
# (`[None784]`, `"MNIST_data/"one_hot=True`, `'Epoch:''%04d'`) and spaced its lines with
# non-breaking spaces; the commas are restored and the spaces made plain, nothing else.*
#
# 원문은 이미 `import tensorflow.compat.v1 as tf`와 `tf.disable_v2_behavior()`로 TF 2에서
# TF1 방식으로 돌리도록 쓰여 있습니다. 그래서 TensorFlow의 변환기가 바꿀 이름이 없습니다.
# `disable_v2_behavior()`는 프로세스 전체를 TF1 모드로 바꾸는 함수인데, `%%tf1` 셀은 셀마다
# 그래프를 문장마다 열고 닫아 주므로 이 호출이 필요 없고, 아래의 Keras 셀이 계속 즉시
# 실행(eager)으로 돌 수 있도록 `%%tf1`이 이 호출을 건너뜁니다.
#
# 블로그 페이지는 몇몇 쉼표를 잃었고(`[None784]`, `"MNIST_data/"one_hot=True`,
# `'Epoch:''%04d'`), 빈칸을 줄바꿈 없는 공백(U+00A0)으로 보여 줍니다. 복사해 그대로 실행하면
# `mnist-keras-tf1`이 "non-breaking spaces ... replace them all with plain spaces"라고 한 줄로
# 알려 줍니다. 이 노트북에서는 쉼표를 되살리고 그 공백을 보통 공백으로 바꾼 것 말고는 고치지
# 않았습니다.

# %%
# %%tf1 --show_changes
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
import numpy as np
#W1=tf.Variable(tf.random_uniform([2,5],-1.0,1.0), name='weight1') : -1과 1사이에서 초기화
import random
# import matplotlib.pyplot as plt
from tensorflow.examples.tutorials.mnist import input_data

tf.set_random_seed(777)  # reproducibility
mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)

# parameters
learning_rate = 0.001
training_epochs = 15
batch_size = 100

# input place holders
X = tf.placeholder(tf.float32, [None, 784])
Y = tf.placeholder(tf.float32, [None, 10])

# weights & bias for nn layers
W1 = tf.Variable(tf.random_normal([784, 256]))
b1 = tf.Variable(tf.random_normal([256]))
L1 = tf.nn.softmax(tf.matmul(X,W1) + b1)

W2 = tf.Variable(tf.random_normal([256, 256]))
b2 = tf.Variable(tf.random_normal([256]))
L2 = tf.nn.softmax(tf.matmul(L1,W2) + b2)

W3 = tf.Variable(tf.random_normal([256, 10]))
b3 = tf.Variable(tf.random_normal([10]))
hypothesis = tf.matmul(L2,W3)+b3

# define cost/loss & optimizer
cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(
    logits=hypothesis, labels=Y))
optimizer = tf.train.AdamOptimizer(learning_rate=learning_rate).minimize(cost)

# initialize
sess = tf.Session()
sess.run(tf.global_variables_initializer())

# train my model
for epoch in range(training_epochs):
    avg_cost = 0
    total_batch = int(mnist.train.num_examples / batch_size)

    for i in range(total_batch):
        batch_xs, batch_ys = mnist.train.next_batch(batch_size)
        feed_dict = {X: batch_xs, Y: batch_ys}
        c, _ = sess.run([cost, optimizer], feed_dict=feed_dict)
        avg_cost += c / total_batch

    print('Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.9f}'.format(avg_cost))

print('Learning Finished!')

# Test model and check accuracy
correct_prediction = tf.equal(tf.argmax(hypothesis, 1), tf.argmax(Y, 1))
accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
print('Accuracy:', sess.run(accuracy, feed_dict={
      X: mnist.test.images, Y: mnist.test.labels}))

# Get one and predict
r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", sess.run(tf.argmax(mnist.test.labels[r:r + 1], 1)))
print("Prediction: ", sess.run(
    tf.argmax(hypothesis, 1), feed_dict={X: mnist.test.images[r:r + 1]}))

# plt.imshow(mnist.test.images[r:r + 1].
#           reshape(28, 28), cmap='Greys', interpolation='nearest')
# plt.show()

# %%
# %%tf1
print(f"TF1 graph: {sum(v.shape.num_elements() for v in tf.trainable_variables()):,} parameters")

# %% [markdown]
# ## 2. TensorFlow 2가 바꾼 것
# *English: what TF 2 changed here: nothing the upgrader renames, since the text already
# imports `tensorflow.compat.v1`; its `input_data` module is served by mnist-keras.*
#
# 위 출력에서 보듯 이 글의 코드는 변환기가 고칠 것이 없습니다. `tensorflow.compat.v1`이
# TF1의 API를 TF 2 안에 그대로 모아 둔 모듈이기 때문입니다. 없어진 것은 MNIST를 내려받던
# `tensorflow.examples.tutorials.mnist` 하나이고, mnist-keras가 같은 이름과 같은 동작
# (학습 55,000장, 에폭마다 섞어 주는 `next_batch`)으로 대신합니다.
# [docs/tf1-to-keras.md](../docs/tf1-to-keras.md)에 각 TF1 API의 TF 2 이름과 Keras 3의 짝을
# 모아 두었습니다.

# %% [markdown]
# ## 3. 같은 모델을 Keras 3로
# *English: the same model in Keras 3: softmax hidden layers, N(0, 1) initialisers, Adam at
# 0.001, 15 epochs of batches of 100, seed 777.*
#
# `Dense(256, activation="softmax")`처럼 은닉층의 활성화 함수로 softmax를 그대로 씁니다.
# Adam은 `keras.optimizers.Adam`이고, 원문과 같게 epsilon을 TF1의 기본값(1e-8)으로
# 맞춥니다(Keras 3의 기본값은 1e-7).

# %%
import keras

keras.utils.set_random_seed(777)  # 원문: tf.set_random_seed(777)
normal = keras.initializers.RandomNormal(mean=0.0, stddev=1.0)  # tf.random_normal

model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(256, activation="softmax", kernel_initializer=normal, bias_initializer=normal),
    keras.layers.Dense(256, activation="softmax", kernel_initializer=normal, bias_initializer=normal),
    keras.layers.Dense(10, kernel_initializer=normal, bias_initializer=normal),  # hypothesis
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8),
              loss=keras.losses.CategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
print(f"Keras model: {model.count_params():,} parameters")

epoch_line = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: print(
    'Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.9f}'.format(logs["loss"])))
history = model.fit(mnist.train.images, mnist.train.labels, batch_size=100,
                    epochs=training_epochs, verbose=0, callbacks=[epoch_line])
print('Learning Finished!')
_, keras_accuracy = model.evaluate(mnist.test.images, mnist.test.labels, verbose=0)
print('Accuracy:', keras_accuracy)

# %% [markdown]
# ## 4. 비용 곡선, 그리고 은닉층의 softmax
# *English: both cost curves; then why softmax hidden layers cost accuracy: each layer's 256
# outputs are forced to sum to 1, so most of them are near 0 and the next layer sees a
# faint signal.*
#
# 두 곡선 모두 천천히 내려갑니다. 은닉층에 softmax를 쓰면 각 층의 256개 출력이 합해서 1이
# 되도록 눌리므로, 대부분이 0에 가까운 아주 작은 값이 됩니다. 다음 층이 받는 신호가
# 희미해서 학습이 더디고, 같은 15 에폭 동안 ReLU만큼 올라가지 못합니다(다음 글 002의
# 3단계, ReLU와 Adam에 같은 N(0, 1) 초기값인 단계와 비교해 보세요). 아래 오른쪽 그림은 학습이
# 끝난 Keras 모델의 첫 은닉층이 시험 이미지 500장에 내는 출력의 분포(세로는 로그 눈금)이고, 점선은 256개가 똑같이 나눠 가질
# 때의 값 1/256입니다.

# %%
import re

import matplotlib.pyplot as plt

tf1_costs = [float(c) for c in re.findall(r"cost = ([0-9.]+)", _tf1_printed)]
hidden = keras.Model(model.inputs[0], model.layers[0].output)(mnist.test.images[:500]).numpy()
fig, (left, right) = plt.subplots(1, 2, figsize=(8, 2.6), dpi=72)
left.plot(range(1, len(tf1_costs) + 1), tf1_costs, "o-", label="TF1")
left.plot(range(1, len(history.history["loss"]) + 1), history.history["loss"], label="Keras 3")
left.set(xlabel="epoch", ylabel="cost (epoch mean)", title="text 001: cost")
left.legend()
right.hist(hidden.ravel(), bins=50, log=True)
right.axvline(1 / 256, color="k", linestyle=":")
right.set(xlabel="first hidden layer's output", title="softmax of 256 units (dotted: 1/256)")
plt.show()

# %% [markdown]
# ## 정리
# *English: the text's accuracy, this notebook's two runs, and three seeds from
# `results/ladder.json` (stage `softmax_hidden`).*
#
# 원문의 0.8405와 이 노트북의 두 값, `python -m mnist_keras.ladder`의 세 시드 평균입니다.
# 이 모델은 시드에 따라 흔들림이 큽니다(세 시드 사이 수 %p): 은닉층 softmax 때문에 학습이
# 느려서, 15 에폭이 끝날 때 어디까지 왔는지가 초기값에 많이 달려 있기 때문입니다.

# %%
import json

summary = {(row["stage"], row["api"]): row["accuracy_mean"]
           for row in json.load(open("../results/ladder.json"))["summary"]}
tf1_accuracy = float(re.search(r"Accuracy: ([0-9.]+)", _tf1_printed).group(1))
print("                                 test accuracy")
print(f"text 001                         {0.8405:.4f}")
print(f"this notebook, TF1               {tf1_accuracy:.4f}")
print(f"this notebook, Keras             {keras_accuracy:.4f}")
print(f"results/, 3 seeds, TF1 / Keras   {summary['softmax_hidden', 'v1']:.4f} / {summary['softmax_hidden', 'keras']:.4f}")
