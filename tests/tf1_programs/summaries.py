# TensorBoard for MNIST, TF 1.x style: scalar and histogram summaries, merged into one
# op, written with a FileWriter at every step; then `tensorboard --logdir=./logs`.
import tensorflow as tf
from tensorflow.examples.tutorials.mnist import input_data

mnist = input_data.read_data_sets("MNIST_data/", one_hot=True)

learning_rate = 0.01
training_epochs = 5
batch_size = 100
logs_path = "./logs/mnist"

X = tf.placeholder(tf.float32, [None, 784], name='InputData')
Y = tf.placeholder(tf.float32, [None, 10], name='LabelData')

with tf.name_scope('layer1'):
    W1 = tf.Variable(tf.random_normal([784, 256], stddev=0.1), name='W1')
    b1 = tf.Variable(tf.zeros([256]), name='b1')
    L1 = tf.nn.relu(tf.matmul(X, W1) + b1)
    tf.summary.histogram("weights", W1)
    tf.summary.histogram("activations", L1)

with tf.name_scope('output'):
    W2 = tf.Variable(tf.random_normal([256, 10], stddev=0.1), name='W2')
    b2 = tf.Variable(tf.zeros([10]), name='b2')
    logits = tf.matmul(L1, W2) + b2

with tf.name_scope('cost'):
    cost = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(logits=logits, labels=Y))
    tf.summary.scalar("cost", cost)

with tf.name_scope('train'):
    optimizer = tf.train.GradientDescentOptimizer(learning_rate).minimize(cost)

with tf.name_scope('accuracy'):
    acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(Y, 1)), tf.float32))
    tf.summary.scalar("accuracy", acc)

merged = tf.summary.merge_all()

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    writer = tf.summary.FileWriter(logs_path, graph=tf.get_default_graph())

    total_batch = int(mnist.train.num_examples / batch_size)
    for epoch in range(training_epochs):
        avg_cost = 0.
        for i in range(total_batch):
            batch_xs, batch_ys = mnist.train.next_batch(batch_size)
            _, c, summary = sess.run([optimizer, cost, merged],
                                     feed_dict={X: batch_xs, Y: batch_ys})
            writer.add_summary(summary, epoch * total_batch + i)
            avg_cost += c / total_batch
        print("Epoch:", '%04d' % (epoch + 1), "cost=", "{:.9f}".format(avg_cost))
    writer.close()

    print("Accuracy:", acc.eval({X: mnist.test.images, Y: mnist.test.labels}))
    print("Run the command line: tensorboard --logdir=" + logs_path)
