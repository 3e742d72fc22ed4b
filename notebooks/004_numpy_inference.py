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
# # 004 · 신경망 구현: NumPy만으로 추론하기 (그리고 그 가중치를 학습하는 Keras 3)
# *English: text 004's three-layer perceptron (784-50-100-10, sigmoid, softmax) run in
# NumPy alone, one image at a time and then in batches of 100. The text loads a book's
# pickled weights; here a Keras 3 model of the same shape is trained for them.*
#
# 원문은 책과 함께 배포되는 `sample_weight.pkl`의 가중치를 불러와서, 시험 데이터
# 10,000장을 한 장씩, 그리고 100장씩 묶어(배치) NumPy로만 추론합니다. 원문의 정확도는
# **0.9352** 입니다. 원문에는 TensorFlow 코드가 없습니다.
#
# 그 pickle 파일은 이 저장소에 없고, 믿을 수 없는 pickle은 열면 안 됩니다(pickle은 임의의
# 코드를 실행할 수 있습니다). 그래서 같은 모양의 네트워크를 Keras 3로 학습하고(가중치
# Glorot uniform, 편향 0, Adam 0.001, 15 에폭, 배치 100: 이 프로젝트의 선택), 그 가중치를
# 원문의 `network` 딕셔너리에 담아 원문의 NumPy 코드를 그대로 실행합니다.
#
# - **이 노트북에서 하는 일**: ① Keras 3로 같은 모양의 네트워크를 학습하고, ② 그 가중치로
#   원문의 NumPy 추론 프로그램을 그대로(한 장씩, 100장씩) 실행하고, ③ 두 추론이 같은 답을
#   내는지, 무엇을 틀리는지 그림으로 봅니다.
# - **설치**: 저장소 폴더에서 `pip install ".[notebooks]"` (Google Colab은 README의
#   "Colab에서" 절).
# - **전체 실행 시간**: 2코어 CPU에서 30초쯤.
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
# ## 데이터
# *English: the MNIST files shipped with mnist-keras, read as TF1's `input_data` read them
# (55,000 training and 10,000 test images): normalized pixels, flattened, labels as class
# ids, as the text's `load_mnist(normalize=True, flatten=True, one_hot_label=False)` gave
# them.*
#
# 원문의 `load_mnist`는 책의 `dataset/mnist.py`에 있는 함수라서, 같은 모양(0~1 범위의 픽셀,
# 784개 값으로 펼친 이미지, 정수 레이블)으로 주는 mnist-keras의 `input_data`로 대신합니다.

# %%
import numpy as np

from mnist_keras.data import input_data

mnist = input_data.read_data_sets("MNIST_data", one_hot=False)


def get_data():
    # 원문: (x_train, t_train), (x_test, t_test) = load_mnist(normalize=True, flatten=True,
    #                                                         one_hot_label=False)
    return mnist.test.images, mnist.test.labels


# %% [markdown]
# ## 1. 가중치: 같은 모양의 네트워크를 Keras 3로 학습
# *English: the weights: a Keras 3 model of the text's shape, trained on the 55,000
# training images; its kernels and biases become the text's `network` dictionary.*

# %%
import keras

keras.utils.set_random_seed(1234)
model = keras.Sequential([
    keras.Input(shape=(784,)),
    keras.layers.Dense(50, activation="sigmoid"),  # W1 (784, 50), b1 (50,)
    keras.layers.Dense(100, activation="sigmoid"),  # W2 (50, 100), b2 (100,)
    keras.layers.Dense(10),  # W3 (100, 10), b3 (10,); softmax는 비용 함수 안에
])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001, epsilon=1e-8),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
print(f"Keras model: {model.count_params():,} parameters")
model.fit(mnist.train.images, mnist.train.labels, batch_size=100, epochs=15, verbose=2)
keras_accuracy = model.evaluate(mnist.test.images, mnist.test.labels, verbose=0)[1]
print("Keras accuracy:", keras_accuracy)


def init_network():
    # 원문: with open("sample_weight.pkl", 'rb') as f: network = pickle.load(f)
    (W1, b1), (W2, b2), (W3, b3) = (layer.get_weights() for layer in model.layers)
    return {'W1': W1, 'W2': W2, 'W3': W3, 'b1': b1, 'b2': b2, 'b3': b3}

# %% [markdown]
# ## 2. 원문의 NumPy 추론
# *English: the text's program: `sigmoid`, an overflow-safe `softmax` (batched or not),
# `predict` (affine, sigmoid, affine, sigmoid, affine, softmax), the network's shapes, the
# one-image loop and the batched loop.*

# %%
def sigmoid(x):  # 원문: from common.functions import sigmoid, softmax
    return 1 / (1 + np.exp(-x))


def softmax(x):
    if x.ndim == 2:  # x의 차원이 2이면, 배치로 들어왔음을 의미함 (100,10)
        x = x.T  # x를 transpose -> (10,100)
        x = x - np.max(x, axis=0)  # transpose 했으므로 열에 대해 max를 구해서 overflow 방지
        y = np.exp(x) / np.sum(np.exp(x), axis=0)  # softmax 적용
        return y.T  # y를 transepose -> (100,10)

    x = x - np.max(x)  # 배치로 들어오지 않았을 때는 일반 softmax 적용
    return np.exp(x) / np.sum(np.exp(x))


def predict(network, x):
    W1, W2, W3 = network['W1'], network['W2'], network['W3']
    b1, b2, b3 = network['b1'], network['b2'], network['b3']

    # Affine
    a1 = np.dot(x, W1) + b1
    # Sigmoid
    z1 = sigmoid(a1)
    # Affine
    a2 = np.dot(z1, W2) + b2
    # Sigmoid
    z2 = sigmoid(a2)
    # Affine
    a3 = np.dot(z2, W3) + b3
    # Softmax - 0-9까지 10개의 결과 중 가장 확률이 높은걸 가려내야 하므로, 확률벡터를 만드는 softmax 사용.
    y = softmax(a3)

    return y


# %%
network = init_network()
keys = ['W1', 'W2', 'W3', 'b1', 'b2', 'b3']
for key in keys:
    print(key, 'shape : ', network[key].shape)
print("총 parameter 개수 :", sum(network[key].size for key in keys))

# %%
x, t = get_data()
network = init_network()
accuracy_cnt = 0
for i in range(len(x)):
    y = predict(network, x[i])
    p = np.argmax(y)  # 값이 가장 큰 즉, 확률이 가장 높은 원소의 인덱스를 얻는다.
    if p == t[i]:
        accuracy_cnt += 1

print("Accuracy:" + str(float(accuracy_cnt) / len(x)))
one_at_a_time = float(accuracy_cnt) / len(x)

# %%
x, t = get_data()
network = init_network()

batch_size = 100  # 100개를 한번에 처리
accuracy_cnt = 0

for i in range(0, len(x), batch_size):  # i가 0부터 x의 크기(테스트 이미지 만장)까지 100씩 건너뜀
    x_batch = x[i:i + batch_size]  # x[0] ~ x[99], x[100] ~ x[199], ...
    y_batch = predict(network, x_batch)
    p = np.argmax(y_batch, axis=1)
    accuracy_cnt += np.sum(p == t[i:i + batch_size])

print("Accuracy: " + str(accuracy_cnt / len(x)))
batched = accuracy_cnt / len(x)

# %% [markdown]
# ## NumPy의 답과 Keras의 답
# *English: the NumPy program's answers are Keras' answers: the same weights, the same
# arithmetic; below, the first test digits with NumPy's answer, and the largest difference
# between the two models' probabilities.*
#
# 원문의 NumPy 추론은 Keras 모델이 하는 계산(곱하고 더하고 sigmoid, 마지막에 softmax)을 그대로
# 손으로 쓴 것입니다. 그래서 같은 가중치면 확률도 거의 같습니다(float 반올림 차이만). 아래는
# 시험 이미지 앞의 12장과 NumPy가 고른 답입니다(틀린 것은 빨간 제목).

# %%
import matplotlib.pyplot as plt

numpy_probabilities = predict(network, x)
keras_probabilities = keras.activations.softmax(model.predict(x, verbose=0)).numpy()
print("largest difference, NumPy vs Keras:",
      float(np.abs(numpy_probabilities - keras_probabilities).max()))
fig, axes = plt.subplots(1, 12, figsize=(9, 1.3), dpi=72)
for ax, image, answer, label in zip(axes, x, numpy_probabilities.argmax(1), t):
    ax.imshow(image.reshape(28, 28), cmap="gray_r")
    ax.set_title(str(answer), color="black" if answer == label else "red")
    ax.axis("off")
plt.show()

# %% [markdown]
# ## 정리
# *English: the text's accuracy (its book's weights), this notebook's (weights trained
# above) in NumPy, one at a time and batched, and the Keras model's; and the three-seed
# mean of `python -m mnist_keras.ladder` for the same net (`results/ladder.json`, stage
# `numpy_sigmoid`).*

# %%
import json

summary = {(row["stage"], row["api"]): row["accuracy_mean"]
           for row in json.load(open("../results/ladder.json"))["summary"]}
print("                                    test accuracy")
print(f"text 004 (the book's weights)       {0.9352:.4f}")
print(f"this notebook, NumPy, one at a time {one_at_a_time:.4f}")
print(f"this notebook, NumPy, batches       {batched:.4f}")
print(f"this notebook, Keras                {keras_accuracy:.4f}")
print(f"results/, 3 seeds, TF1 / Keras      {summary['numpy_sigmoid', 'v1']:.4f} / "
      f"{summary['numpy_sigmoid', 'keras']:.4f}")
