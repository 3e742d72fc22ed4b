# A TF1-era MNIST lab written with tf.layers (TF 1.4-1.15): two convolutions, a dense
# layer with dropout, Adam, one epoch of batches of 100.
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)
tf.set_random_seed(777)

X = tf.placeholder(tf.float32, [None, 784])
Y = tf.placeholder(tf.float32, [None, 10])
training = tf.placeholder(tf.bool)

X_img = tf.reshape(X, [-1, 28, 28, 1])
conv1 = tf.layers.conv2d(inputs=X_img, filters=32, kernel_size=[3, 3],
                         padding="SAME", activation=tf.nn.relu)
pool1 = tf.layers.max_pooling2d(inputs=conv1, pool_size=[2, 2], padding="SAME", strides=2)
conv2 = tf.layers.conv2d(inputs=pool1, filters=64, kernel_size=[3, 3],
                         padding="SAME", activation=tf.nn.relu)
pool2 = tf.layers.max_pooling2d(inputs=conv2, pool_size=[2, 2], padding="SAME", strides=2)
flat = tf.reshape(pool2, [-1, 7 * 7 * 64])
dense = tf.layers.dense(inputs=flat, units=256, activation=tf.nn.relu)
dropout = tf.layers.dropout(inputs=dense, rate=0.5, training=training)
logits = tf.layers.dense(inputs=dropout, units=10)

cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(logits=logits, labels=Y))
optimizer = tf.train.AdamOptimizer(learning_rate=0.001).minimize(cost)
correct = tf.equal(tf.argmax(logits, 1), tf.argmax(Y, 1))
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))

sess = tf.Session()
sess.run(tf.global_variables_initializer())
total_batch = int(mnist.train.num_examples / 100)
for i in range(total_batch):
    batch_xs, batch_ys = mnist.train.next_batch(100)
    c, _ = sess.run([cost, optimizer], feed_dict={X: batch_xs, Y: batch_ys, training: True})
print('Learning Finished!')
print('Accuracy:', sess.run(accuracy, feed_dict={X: mnist.test.images, Y: mnist.test.labels,
                                                 training: False}))
