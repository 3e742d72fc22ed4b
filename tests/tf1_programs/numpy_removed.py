# A small GAN-era habit: train, then reshape the samples with newshape= and cast them
# with np.float, as NumPy 1.x allowed.
import numpy as np
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

print("Training started")
mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)

X = tf.placeholder(tf.float32, [None, 784])
W = tf.Variable(tf.zeros([784, 10]))
b = tf.Variable(tf.zeros([10]))
logits = tf.matmul(X, W) + b

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    out = sess.run(logits, feed_dict={X: mnist.test.images[:4]})

samples = np.reshape(mnist.test.images[:4], newshape=(4, 28, 28, 1))
scale = np.float(255)
print(samples.shape, scale)
