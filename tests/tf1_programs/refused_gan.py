# A GAN on MNIST, in the course's style: two networks, two optimizers, trained in turn.
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)
X = tf.placeholder(tf.float32, [None, 784])
Z = tf.placeholder(tf.float32, [None, 128])

G_W = tf.Variable(tf.random_normal([128, 784], stddev=0.01))
D_W = tf.Variable(tf.random_normal([784, 1], stddev=0.01))
G = tf.nn.sigmoid(tf.matmul(Z, G_W))
D_real = tf.nn.sigmoid(tf.matmul(X, D_W))
D_fake = tf.nn.sigmoid(tf.matmul(G, D_W))
loss_D = -tf.reduce_mean(tf.log(D_real) + tf.log(1 - D_fake))
loss_G = -tf.reduce_mean(tf.log(D_fake))
train_D = tf.train.AdamOptimizer(0.0002).minimize(loss_D, var_list=[D_W])
train_G = tf.train.AdamOptimizer(0.0002).minimize(loss_G, var_list=[G_W])

sess = tf.Session()
sess.run(tf.global_variables_initializer())
for step in range(10):
    batch_xs, _ = mnist.train.next_batch(100)
    noise = tf.random_normal([100, 128]).eval(session=sess)
    _, d = sess.run([train_D, loss_D], feed_dict={X: batch_xs, Z: noise})
    _, g = sess.run([train_G, loss_G], feed_dict={Z: noise})
print('D loss:', d, 'G loss:', g)
