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
# # 001 · MNIST를 DNN으로 학습해보기 / Adam optimizer: TF1 원문과 Keras 3
# *English: text 001's DNN with softmax as its hidden activation and Adam: the text's TF1
# program, made to run on TensorFlow 2.21, then the same model in Keras 3.*
#
# 원문은 [코드로 이해하는 딥러닝 10]의 MNIST와 [11]의 DNN을 합쳐 한 번 돌려 보는 글입니다:
# 784-256-256-10, 은닉층의 활성화 함수가 **softmax**(ReLU가 아니라), 가중치와 편향은
# `tf.random_normal`, Adam(learning rate 0.001), 15 에폭, 배치 100, `tf.set_random_seed(777)`.
# 원문의 정확도는 **0.8405** 입니다.
#
# 원문은 이미 `tensorflow.compat.v1`과 `tf.disable_v2_behavior()`를 씁니다. 이 노트북은
# 프로세스 전체를 TF1 모드로 바꾸는 `disable_v2_behavior()` 대신 그래프 하나를 만들어 그
# 안에서 원문의 코드를 실행합니다(고친 줄마다 `# 원문:` 주석).

# %% [markdown]
# ## 설정값
# *English: the text's parameters; the test suite overrides this cell to run quickly.*

# %% tags=["parameters"]
learning_rate = 0.001
training_epochs = 15
batch_size = 100
train_examples = None  # None: 학습 데이터 55,000장 전부
test_examples = None  # None: 시험 데이터 10,000장 전부

# %% [markdown]
# ## 데이터
# *English: TF1's `input_data` is gone from TensorFlow 2; mnist-keras ships the MNIST files
# and reads them as TF1 did (55,000 / 5,000 / 10,000, `next_batch`): the notebook's one
# library call.*
#
# `tensorflow.examples.tutorials.mnist`가 없으므로, mnist-keras에 들어 있는 MNIST 파일을
# 같은 방식(학습 55,000 / 검증 5,000 / 시험 10,000, `next_batch`)으로 읽습니다.

# %%
import random

import tensorflow as tf

from mnist_keras.data import input_data  # 원문: from tensorflow.examples.tutorials.mnist import input_data

# 원문: mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)
mnist = input_data.read_data_sets(one_hot=True, seed=777, train_examples=train_examples,
    test_examples=test_examples)

# %% [markdown]
# ## 1. TF1 프로그램
# *English: the text's program in full, in its own `tf.Graph`.*

# %%
v1 = tf.compat.v1  # 원문: import tensorflow.compat.v1 as tf; tf.disable_v2_behavior()

graph = tf.Graph()  # 원문: (기본 그래프)
with graph.as_default():
    v1.set_random_seed(777)  # reproducibility

    # input place holders
    X = v1.placeholder(tf.float32, [None, 784])
    Y = v1.placeholder(tf.float32, [None, 10])

    # weights & bias for nn layers
    W1 = tf.Variable(v1.random_normal([784, 256]))
    b1 = tf.Variable(v1.random_normal([256]))
    L1 = tf.nn.softmax(tf.matmul(X, W1) + b1)

    W2 = tf.Variable(v1.random_normal([256, 256]))
    b2 = tf.Variable(v1.random_normal([256]))
    L2 = tf.nn.softmax(tf.matmul(L1, W2) + b2)

    W3 = tf.Variable(v1.random_normal([256, 10]))
    b3 = tf.Variable(v1.random_normal([10]))
    hypothesis = tf.matmul(L2, W3) + b3

    # define cost/loss & optimizer
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(
        logits=hypothesis, labels=Y))
    optimizer = v1.train.AdamOptimizer(learning_rate=learning_rate).minimize(cost)

    # Test model and check accuracy
    correct_prediction = tf.equal(tf.argmax(hypothesis, 1), tf.argmax(Y, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    init = v1.global_variables_initializer()

print(f"TF1 graph: {sum(v.shape.num_elements() for v in [W1, b1, W2, b2, W3, b3]):,} parameters")

# %%
# initialize
sess = v1.Session(graph=graph)
sess.run(init)

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

tf1_accuracy = sess.run(accuracy, feed_dict={X: mnist.test.images, Y: mnist.test.labels})
print('Accuracy:', tf1_accuracy)

# Get one and predict
r = random.randint(0, mnist.test.num_examples - 1)
with graph.as_default():  # 원문: (기본 그래프) tf.argmax가 이 그래프에 만들어지도록
    print("Label: ", sess.run(tf.argmax(mnist.test.labels[r:r + 1], 1)))
    print("Prediction: ", sess.run(tf.argmax(hypothesis, 1),
                                   feed_dict={X: mnist.test.images[r:r + 1]}))

# %% [markdown]
# ## 2. 같은 모델을 Keras 3로
# *English: the same model in Keras 3: softmax hidden layers, N(0, 1) weights and biases,
# Adam at 0.001 (TF1's epsilon, 1e-8), 15 epochs of batch 100, seed 777.*
#
# `keras.utils.set_random_seed(777)`은 원문의 `tf.set_random_seed(777)`처럼 초깃값과 섞는
# 순서를 정합니다. 원문처럼 에폭마다 평균 비용을 출력합니다.

# %%
import keras
import numpy as np

keras.utils.set_random_seed(777)
normal = keras.initializers.RandomNormal(mean=0.0, stddev=1.0)  # tf.random_normal

model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(256, activation="softmax", kernel_initializer=normal, bias_initializer=normal),
    keras.layers.Dense(256, activation="softmax", kernel_initializer=normal, bias_initializer=normal),
    keras.layers.Dense(10, kernel_initializer=normal, bias_initializer=normal),  # hypothesis
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate, epsilon=1e-8),
              loss=keras.losses.CategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
print(f"Keras model: {model.count_params():,} parameters")

epoch_line = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: print(
    'Epoch:', '%04d' % (epoch + 1), 'cost =', '{:.9f}'.format(logs['loss'])))
model.fit(mnist.train.images, mnist.train.labels, batch_size=batch_size,
          epochs=training_epochs, verbose=0, callbacks=[epoch_line])
print('Learning Finished!')

_, keras_accuracy = model.evaluate(mnist.test.images, mnist.test.labels, verbose=0)
print('Accuracy:', keras_accuracy)
r = random.randint(0, mnist.test.num_examples - 1)
print("Label: ", np.argmax(mnist.test.labels[r:r + 1], 1))
print("Prediction: ", np.argmax(model.predict(mnist.test.images[r:r + 1], verbose=0), 1))

# %% [markdown]
# ## 정리
# *English: the text's test accuracy, this notebook's, and the three-seed mean of
# `python -m mnist_keras.ladder` for the same model (`results/ladder.json`, stage
# `softmax_hidden`).*

# %%
import json

summary = {(row["stage"], row["api"]): row["accuracy_mean"]
           for row in json.load(open("../results/ladder.json"))["summary"]}
print("                                 test accuracy")
print(f"text 001                         {0.8405:.4f}")
print(f"this notebook, TF1               {tf1_accuracy:.4f}")
print(f"this notebook, Keras             {keras_accuracy:.4f}")
print(f"results/, 3 seeds, TF1 / Keras   {summary['softmax_hidden', 'v1']:.4f} / "
      f"{summary['softmax_hidden', 'keras']:.4f}")
