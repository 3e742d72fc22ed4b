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
# # 000 · MNIST를 딥러닝(시그모이드 DNN)으로: TF1 원문과 Keras 3
# *English: text 000's three-layer sigmoid network on MNIST: the text's TF1 program, made
# to run on TensorFlow 2.21, then the same model in Keras 3.*
#
# 원문은 지난번 머신러닝(소프트맥스 회귀)으로 풀었던 MNIST를 층 세 개의 신경망으로 다시
# 풉니다: 784-256-256-10, 은닉층 활성화 함수는 sigmoid, 가중치와 편향은 모두
# `tf.random_normal`(평균 0, 표준편차 1), 경사하강법(learning rate 0.1), 30 에폭, 배치 100.
# 원문의 정확도는 **91.64%** 입니다.
#
# 이 노트북은 원문의 TF1 코드를 그대로 두고, TensorFlow 2.21에서 실행되도록 꼭 필요한 곳만
# 고쳤습니다(고친 줄마다 `# 원문:` 주석). 그 다음 같은 모델을 Keras 3로 씁니다.

# %% [markdown]
# ## 설정값
# *English: the text's settings; the test suite runs this notebook with fewer epochs and
# images by overriding this cell (papermill's `parameters` tag).*

# %% tags=["parameters"]
num_of_epoch = 30  # 전체 학습 횟수 (원문)
batch_size = 100  # 한 학습 에폭 당 배치 사이즈 (원문)
train_examples = None  # None: 학습 데이터 55,000장 전부
test_examples = None  # None: 시험 데이터 10,000장 전부

# %% [markdown]
# ## 데이터
# *English: the data. TF1's `input_data` module is gone from TensorFlow 2, so the MNIST
# files that ship with mnist-keras are read by its `input_data`, which splits and serves
# them as TF1's did (55,000 / 5,000 / 10,000, `next_batch`). This is the one library call
# in the notebook.*
#
# 원문의 `tensorflow.examples.tutorials.mnist`는 TensorFlow 2에 없습니다. 그래서 데이터만은
# mnist-keras에 함께 들어 있는 MNIST 파일을 `mnist_keras.data.input_data`로 읽습니다. 이
# 모듈은 TF1의 `input_data`처럼 학습 55,000장, 검증 5,000장, 시험 10,000장으로 나누고,
# `mnist.train.next_batch(100)`도 TF1처럼 에폭마다 순서를 섞어서 돌려줍니다.

# %%
import tensorflow as tf

from mnist_keras.data import input_data  # 원문: from tensorflow.examples.tutorials.mnist import input_data

# 원문: mnist = input_data.read_data_sets("./data/mnist", one_hot=True)
mnist = input_data.read_data_sets(one_hot=True, train_examples=train_examples,
    test_examples=test_examples)
print(mnist.train.num_examples, mnist.validation.num_examples, mnist.test.num_examples)

# %% [markdown]
# ## 1. TF1 프로그램
# *English: the text's TF1 program in full: placeholders, variables with the text's
# initialisers, cost, optimizer, the Session loop and the lines it printed. It builds its
# own `tf.Graph` (TensorFlow 2 runs eagerly elsewhere) through `tf.compat.v1`.*
#
# TensorFlow 2에서 TF1 코드는 `tf.compat.v1`에 있습니다. 원문의 `tf.reset_default_graph()`
# 대신 그래프를 하나 만들어 그 안에 모델을 만듭니다. 이렇게 하면 노트북의 다른 부분(Keras)은
# TensorFlow 2의 즉시 실행(eager) 그대로입니다.

# %%
v1 = tf.compat.v1  # 원문: import tensorflow as tf (TensorFlow 1.x)

graph = tf.Graph()  # 원문: tf.reset_default_graph()
with graph.as_default():
    # placeholder
    X = v1.placeholder(shape=[None, 784], dtype=tf.float32)  # 원문: tf.placeholder
    Y = v1.placeholder(shape=[None, 10], dtype=tf.float32)

    # layer1 : X data 각각에 대해 256번 학습 진행.
    W1 = tf.Variable(v1.random_normal([784, 256]), name='weight1')  # 원문: tf.random_normal
    b1 = tf.Variable(v1.random_normal([256]), name='bias1')
    layer1 = tf.sigmoid(tf.matmul(X, W1) + b1)

    # layer2 : 256번 학습한 걸 다시 돌려서 256번 학습 진행.
    W2 = tf.Variable(v1.random_normal([256, 256]), name='weight2')
    b2 = tf.Variable(v1.random_normal([256]), name='bias2')
    layer2 = tf.sigmoid(tf.matmul(layer1, W2) + b2)

    # layer3 : 최종적으로 10개의 라벨 값에 맞도록 학습 진행.
    W3 = tf.Variable(v1.random_normal([256, 10]), name='bias3')
    b3 = tf.Variable(v1.random_normal([10]), name='bias3')

    # hypothesis
    logit = tf.matmul(layer2, W3) + b3
    H = tf.nn.softmax(logit)

    # cost: 원문: tf.nn.softmax_cross_entropy_with_logits_v2 (TensorFlow 2의 이름은 _v2 없이)
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logit, labels=Y))

    # train
    train = v1.train.GradientDescentOptimizer(learning_rate=0.1).minimize(cost)  # 원문: tf.train

    # 정확도
    pred = tf.argmax(H, 1)
    label = tf.argmax(Y, 1)
    correct = tf.equal(pred, label)
    accuracy = tf.reduce_mean(tf.cast(correct, dtype=tf.float32))  # 원문의 오타 reduece_mean

    init = v1.global_variables_initializer()  # 원문: tf.global_variables_initializer()

print(f"TF1 graph: {sum(v.shape.num_elements() for v in [W1, b1, W2, b2, W3, b3]):,} parameters")

# %%
sess = v1.Session(graph=graph)  # 원문: tf.Session()
sess.run(init)

for step in range(num_of_epoch):
    num_of_iter = int(mnist.train.num_examples / batch_size)

    cost_val = 0
    for i in range(num_of_iter):
        batch_x, batch_y = mnist.train.next_batch(batch_size)
        _, cost_val = sess.run([train, cost], feed_dict={X: batch_x, Y: batch_y})  # 원문의 오타 sess.rin

    if step % 3 == 0:
        print(f"cost 값은 : {cost_val}")

result = sess.run(accuracy, feed_dict={X: mnist.test.images, Y: mnist.test.labels})
print(f"정확도는 {result * 100}%입니다.")
tf1_accuracy = float(result)

# %% [markdown]
# ## 2. 같은 모델을 Keras 3로
# *English: the same model in Keras 3: the same layers, initialisers (N(0, 1) for every
# weight and bias), optimizer, learning rate, epochs and batch size, on the same 55,000
# images. The softmax lives in the loss (`from_logits=True`), as in the TF1 cost.*
#
# `keras.Sequential`에 층을 순서대로 쌓고, `compile`로 비용 함수와 최적화 방법을 정한 다음
# `fit`으로 학습하고 `evaluate`로 시험 데이터의 정확도를 잽니다. 원문처럼 3 에폭마다 비용을
# 출력합니다(원문은 마지막 배치의 비용, Keras는 그 에폭의 평균 비용).

# %%
import keras

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
model.fit(mnist.train.images, mnist.train.labels, batch_size=batch_size, epochs=num_of_epoch,
          verbose=0, callbacks=[every_3])

_, result = model.evaluate(mnist.test.images, mnist.test.labels, verbose=0)
print(f"정확도는 {result * 100}%입니다.")
keras_accuracy = float(result)

# %% [markdown]
# ## 정리
# *English: the text's test accuracy, this notebook's, and the mean of three seeds that
# `python -m mnist_keras.ladder` measured for the same model (`results/ladder.json`,
# stage `sigmoid`).*

# %%
import json

summary = {(row["stage"], row["api"]): row["accuracy_mean"]
           for row in json.load(open("../results/ladder.json"))["summary"]}
print("                                 test accuracy")
print(f"text 000                         {0.9164:.4f}")
print(f"this notebook, TF1               {tf1_accuracy:.4f}")
print(f"this notebook, Keras             {keras_accuracy:.4f}")
print(f"results/, 3 seeds, TF1 / Keras   {summary['sigmoid', 'v1']:.4f} / {summary['sigmoid', 'keras']:.4f}")
