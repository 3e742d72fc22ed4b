# module import
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data
import warnings

# load data
mnist = input_data.read_data_sets("./data/mnist", one_hot=True)
# check data
import matplotlib.pyplot as plt

plt.imshow(mnist.train.images[0].reshape(28, 28), cmap='gray')

tf.reset_default_graph()

# placeholder
X = tf.placeholder(shape=[None, 784], dtype=tf.float32)
Y = tf.placeholder(shape=[None, 10], dtype=tf.float32)

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

logit = tf.matmul(layer2, W3) + b3
H = tf.nn.softmax(logit)

cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logit, labels=Y))

train = tf.train.GradientDescentOptimizer(learning_rate=0.1).minimize(cost)

sess = tf.Session()
sess.run(tf.global_variables_initializer())

num_of_epoch = 30 # 전체 학습 횟수
batch_size = 100 # 한 학습 에폭 당 배치 사이즈

for step in range(num_of_epoch):
    num_of_iter = int(mnist.train.num_examples / batch_size)
    
    cost_val = 0
    for i in range(num_of_iter):
        batch_x, batch_y = mnist.train.next_batch(batch_size)
    	_, cost_val = sess.rin([train, cost], feed_dict = {X: batch_x, Y: batch_y})
   
    if step % 3 == 0:
        print(f"cost 값은 : {cost_val}")    

pred = tf.argmax(H, 1)
label = tf.argmax(Y, 1)
correct = tf.equal(pred, label)
accuracy = tf.reduece_mean(tf.cast(correct, dtype=tf.float32))
result = sess.run(accuracy, feed_dict = {X: mnist.test.images, Y: mnist.test.labels})
print(f"정확도는 {result * 100}%입니다.")
