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
# # 003 · Deep MNIST for Experts: 소프트맥스 회귀와 합성곱 신경망 (TF1 원문과 Keras 3)
# *English: text 003, TensorFlow's "Deep MNIST for Experts": a softmax regression (about
# 91%), then a small convolutional network (about 99.2%), each in TF1 as the text wrote it,
# made to run on TensorFlow 2.21, and in Keras 3.*
#
# 원문은 먼저 단일 선형 계층의 소프트맥스 회귀를 만들고(가중치와 편향은 0, 교차 엔트로피를
# 미니배치 전체에 대해 **합**한 비용, 경사하강법 0.01, 배치 50으로 1,000번), 그 다음 합성곱
# 계층 두 개(5x5, 32개와 64개의 특징, ReLU, 2x2 max pooling), 1024개 뉴런의 완전 연결 계층,
# 탈락(dropout, keep_prob 0.5), 소프트맥스 판독 계층으로 된 합성곱 신경망을 Adam(1e-4)으로
# 배치 50씩 20,000번 학습합니다. 100번마다 `step %d, training accuracy %g`를 출력합니다.
#
# 원문의 `InteractiveSession`과 `.eval()`/`.run()`은 그래프 하나 안에서 그대로 씁니다.

# %% [markdown]
# ## 설정값
# *English: the text's numbers; the test suite overrides this cell to run quickly.*

# %% tags=["parameters"]
softmax_steps = 1000  # 소프트맥스 회귀의 학습 반복 (원문)
cnn_steps = 20000  # 합성곱 신경망의 학습 반복 (원문)
log_every = 100  # 원문: i % 100 == 0 마다 출력
train_examples = None  # None: 학습 데이터 55,000장 전부
test_examples = None  # None: 시험 데이터 10,000장 전부

# %% [markdown]
# ## 데이터
# *English: TF1's `input_data` is gone from TensorFlow 2; mnist-keras ships the MNIST files
# and reads them as TF1 did (55,000 / 5,000 / 10,000, one-hot labels, `next_batch`): the
# notebook's one library call.*

# %%
import tensorflow as tf

from mnist_keras.data import input_data  # 원문: from tensorflow.examples.tutorials.mnist import input_data

# 원문: mnist = input_data.read_data_sets('MNIST_data', one_hot=True)
mnist = input_data.read_data_sets(one_hot=True, train_examples=train_examples,
    test_examples=test_examples)

# %% [markdown]
# ## 1. 소프트맥스 회귀 모델 (TF1)
# *English: the softmax regression: placeholders `x` and `y_`, variables `W` and `b` of
# zeros, `y = softmax(xW + b)`, the cross-entropy summed over the mini-batch, gradient
# descent at 0.01, 1,000 steps of 50 images, then the test accuracy (about 0.91).*

# %%
v1 = tf.compat.v1  # 원문: import tensorflow as tf (TensorFlow 1.x)

softmax_graph = tf.Graph()
sess = v1.Session(graph=softmax_graph)  # 원문: sess = tf.InteractiveSession()
with softmax_graph.as_default(), sess.as_default():  # InteractiveSession처럼 .run()과 .eval()이 이 세션에서

    x = v1.placeholder(tf.float32, shape=[None, 784])  # 원문: tf.placeholder
    y_ = v1.placeholder(tf.float32, shape=[None, 10])

    W = tf.Variable(tf.zeros([784, 10]))
    b = tf.Variable(tf.zeros([10]))
    sess.run(v1.global_variables_initializer())  # 원문: tf.global_variables_initializer()

    y = tf.nn.softmax(tf.matmul(x, W) + b)
    cross_entropy = -tf.reduce_sum(y_ * v1.log(y))  # 원문: tf.log

    train_step = v1.train.GradientDescentOptimizer(0.01).minimize(cross_entropy)  # 원문: tf.train

    for i in range(softmax_steps):
        batch = mnist.train.next_batch(50)
        train_step.run(feed_dict={x: batch[0], y_: batch[1]})

    correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    softmax_tf1_accuracy = accuracy.eval(feed_dict={x: mnist.test.images, y_: mnist.test.labels})
    print(softmax_tf1_accuracy)
    print(f"TF1 graph: {sum(v.shape.num_elements() for v in [W, b]):,} parameters")

# %% [markdown]
# ## 2. 소프트맥스 회귀를 Keras 3로
# *English: the same model in Keras 3: zeros for weights and biases, the cross-entropy
# summed over the batch (`reduction="sum"`), gradient descent at 0.01, 1,000 steps of 50.*
#
# 원문의 비용은 배치의 합이므로 `reduction="sum"`입니다(평균이라면 learning rate 0.5와
# 같습니다). 1,000번은 55,000장의 한 바퀴도 안 되므로 `steps_per_epoch`로 정확히 그만큼만
# 학습합니다.

# %%
import keras

model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(10, kernel_initializer="zeros", bias_initializer="zeros"),  # logits
])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.01),
              loss=keras.losses.CategoricalCrossentropy(from_logits=True, reduction="sum"),
              metrics=["accuracy"])
print(f"Keras model: {model.count_params():,} parameters")
batches = tf.data.Dataset.from_tensor_slices((mnist.train.images, mnist.train.labels)
                                             ).shuffle(mnist.train.num_examples).repeat().batch(50)
model.fit(batches, steps_per_epoch=softmax_steps, epochs=1, verbose=0)
softmax_keras_accuracy = model.evaluate(mnist.test.images, mnist.test.labels, verbose=0)[1]
print(softmax_keras_accuracy)

# %% [markdown]
# ## 3. 다중 계층 합성곱 네트워크 (TF1)
# *English: the convolutional network in TF1 as the text builds it: `weight_variable`
# (truncated normal, stddev 0.1) and `bias_variable` (0.1), `conv2d` (stride 1, SAME) and
# `max_pool_2x2`, two convolutional layers, a dense layer of 1024, dropout, the readout;
# Adam at 1e-4, 20,000 steps of 50, a line every 100 steps, then the test accuracy.*

# %%
cnn_graph = tf.Graph()
sess = v1.Session(graph=cnn_graph)  # 원문: sess = tf.InteractiveSession()
with cnn_graph.as_default(), sess.as_default():

    x = v1.placeholder(tf.float32, shape=[None, 784])
    y_ = v1.placeholder(tf.float32, shape=[None, 10])

    def weight_variable(shape):
        initial = v1.truncated_normal(shape, stddev=0.1)  # 원문: tf.truncated_normal
        return tf.Variable(initial)

    def bias_variable(shape):
        initial = tf.constant(0.1, shape=shape)
        return tf.Variable(initial)

    def conv2d(x, W):
        return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding='SAME')

    def max_pool_2x2(x):
        return tf.nn.max_pool2d(x, ksize=[1, 2, 2, 1],  # 원문: tf.nn.max_pool
                                strides=[1, 2, 2, 1], padding='SAME')

    # 첫 합성곱 계층
    W_conv1 = weight_variable([5, 5, 1, 32])
    b_conv1 = bias_variable([32])
    x_image = tf.reshape(x, [-1, 28, 28, 1])
    h_conv1 = tf.nn.relu(conv2d(x_image, W_conv1) + b_conv1)
    h_pool1 = max_pool_2x2(h_conv1)

    # 두번째 합성곱 계층
    W_conv2 = weight_variable([5, 5, 32, 64])
    b_conv2 = bias_variable([64])
    h_conv2 = tf.nn.relu(conv2d(h_pool1, W_conv2) + b_conv2)
    h_pool2 = max_pool_2x2(h_conv2)

    # Densely Connected Layer
    W_fc1 = weight_variable([7 * 7 * 64, 1024])
    b_fc1 = bias_variable([1024])
    h_pool2_flat = tf.reshape(h_pool2, [-1, 7 * 7 * 64])
    h_fc1 = tf.nn.relu(tf.matmul(h_pool2_flat, W_fc1) + b_fc1)

    # 탈락 (Dropout)
    keep_prob = v1.placeholder(tf.float32)
    h_fc1_drop = v1.nn.dropout(h_fc1, keep_prob=keep_prob)  # 원문: tf.nn.dropout(h_fc1, keep_prob)

    # 판독 계층
    W_fc2 = weight_variable([1024, 10])
    b_fc2 = bias_variable([10])
    y_conv = tf.matmul(h_fc1_drop, W_fc2) + b_fc2
    cnn_variables = [W_conv1, b_conv1, W_conv2, b_conv2, W_fc1, b_fc1, W_fc2, b_fc2]
    print(f"TF1 graph: {sum(v.shape.num_elements() for v in cnn_variables):,} parameters")

    # 모델 훈련 및 평가
    cross_entropy = tf.reduce_mean(
        tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y_conv))
    train_step = v1.train.AdamOptimizer(1e-4).minimize(cross_entropy)
    correct_prediction = tf.equal(tf.argmax(y_conv, 1), tf.argmax(y_, 1))
    accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
    sess.run(v1.global_variables_initializer())
    for i in range(cnn_steps):
        batch = mnist.train.next_batch(50)
        if i % log_every == 0:
            train_accuracy = accuracy.eval(feed_dict={
                x: batch[0], y_: batch[1], keep_prob: 1.0})
            print("step %d, training accuracy %g" % (i, train_accuracy))
        train_step.run(feed_dict={x: batch[0], y_: batch[1], keep_prob: 0.5})

    cnn_tf1_accuracy = accuracy.eval(feed_dict={
        x: mnist.test.images, y_: mnist.test.labels, keep_prob: 1.0})
    print("test accuracy %g" % cnn_tf1_accuracy)
cnn_tf1 = sess  # kept open: the test suite reads its logits

# %% [markdown]
# ## 4. 합성곱 신경망을 Keras 3로
# *English: the same network in Keras 3, layer for layer: reshape to 28x28x1, two
# `Conv2D` + `MaxPooling2D`, `Dense(1024)`, `Dropout(0.5)`, the readout; the same
# initialisers, Adam at 1e-4 (epsilon 1e-8, TF1's), 20,000 steps of 50. It prints a line
# every 100 steps as the text does; Keras' accuracy there is the mean over those 100 steps,
# with dropout on, where the text measured one batch without it.*

# %%
def weights():
    return keras.initializers.TruncatedNormal(stddev=0.1)


def biases():
    return keras.initializers.Constant(0.1)


cnn = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Reshape((28, 28, 1)),  # x_image
    keras.layers.Conv2D(32, 5, padding="same", activation="relu",
                        kernel_initializer=weights(), bias_initializer=biases()),
    keras.layers.MaxPooling2D(2, padding="same"),
    keras.layers.Conv2D(64, 5, padding="same", activation="relu",
                        kernel_initializer=weights(), bias_initializer=biases()),
    keras.layers.MaxPooling2D(2, padding="same"),
    keras.layers.Flatten(),  # h_pool2_flat
    keras.layers.Dense(1024, activation="relu",
                       kernel_initializer=weights(), bias_initializer=biases()),
    keras.layers.Dropout(0.5),  # keep_prob 0.5
    keras.layers.Dense(10, kernel_initializer=weights(), bias_initializer=biases()),  # y_conv
])
cnn.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-4, epsilon=1e-8),
            loss=keras.losses.CategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"])
print(f"Keras model: {cnn.count_params():,} parameters")

step_line = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: print(
    "step %d, training accuracy %g" % ((epoch + 1) * log_every, logs["accuracy"])))
cnn.fit(batches, steps_per_epoch=log_every, epochs=cnn_steps // log_every, verbose=0,
        callbacks=[step_line])
cnn_keras_accuracy = cnn.evaluate(mnist.test.images, mnist.test.labels, verbose=0)[1]
print("test accuracy %g" % cnn_keras_accuracy)

# %% [markdown]
# ## 정리
# *English: the text's test accuracy, this notebook's, and the three-seed means of
# `python -m mnist_keras.ladder` for the same models (`results/ladder.json`, stages
# `experts_softmax` and `9`).*

# %%
import json

summary = {(row["stage"], row["api"]): row["accuracy_mean"]
           for row in json.load(open("../results/ladder.json"))["summary"]}
print("model            text  notebook TF1  notebook Keras  results/ TF1  results/ Keras")
for name, text, tf1_accuracy, keras_accuracy, stage in [
        ("softmax", 0.91, softmax_tf1_accuracy, softmax_keras_accuracy, "experts_softmax"),
        ("CNN", 0.992, cnn_tf1_accuracy, cnn_keras_accuracy, "9")]:
    print(f"{name:<13} {text:7.4f}  {tf1_accuracy:12.4f}  {keras_accuracy:14.4f}  "
          f"{summary[stage, 'v1']:12.4f}  {summary[stage, 'keras']:14.4f}")
