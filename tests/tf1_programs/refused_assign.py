# Back-propagation written by hand (as the course's lab-10-X1): tf.assign updates.
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)
X = tf.placeholder(tf.float32, [None, 784])
Y = tf.placeholder(tf.float32, [None, 10])
W = tf.Variable(tf.truncated_normal([784, 10]))
y_pred = tf.sigmoid(tf.matmul(X, W))
d_W = tf.matmul(tf.transpose(X), (y_pred - Y) * y_pred * (1 - y_pred))
step = [tf.assign(W, W - 0.5 * d_W)]

sess = tf.Session()
sess.run(tf.global_variables_initializer())
for i in range(10):
    batch_xs, batch_ys = mnist.train.next_batch(10)
    sess.run(step, feed_dict={X: batch_xs, Y: batch_ys})
