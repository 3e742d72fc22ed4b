"""The tutorial's TF1 graph of a stage: placeholders, variables, a v1 optimizer.

This is the tutorials' own way, running on TensorFlow 2: ``X`` [None, 784] and ``Y``
[None, 10] placeholders (one-hot labels, as ``read_data_sets(one_hot=True)`` gave),
``keep_prob`` where the stage has dropout, variables from the stage family's
``v1_logits``, ``reduce_mean(softmax_cross_entropy_with_logits(...))`` and a
``tf.compat.v1.train`` optimizer. The graph lives in its own ``tf.Graph``; eager
execution stays on for the rest of the process (no ``disable_eager_execution()``).

The same hyperparameters object builds the Keras model, and weights move between the two by
layer order (W1, b1, W2, b2, ...), checked by shape: :func:`set_weights`, :func:`get_weights`.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import tensorflow as tf

from mnist_keras import nets
from mnist_keras.data.mnist import IMAGE_SIZE, NUM_CLASSES
from mnist_keras.nets import translate
from mnist_keras.nets.hparams import Training
from mnist_keras.training import scoring

v1 = tf.compat.v1  # the tutorials' tf.* of TF1


@dataclasses.dataclass(frozen=True)
class Graph:
    """The tensors and ops of one stage's TF1 graph."""

    graph: tf.Graph
    x: tf.Tensor
    y: tf.Tensor
    keep_prob: tf.Tensor
    training: tf.Tensor | None  # True while training, where the graph differs then
    logits: tf.Tensor
    cost: tf.Tensor
    train_op: tf.Operation
    global_step: tf.Variable  # batches trained; saved with the weights, so resuming knows
    accuracy: tf.Tensor
    variables: list  # the model's, in Keras' weight order (moving averages too)
    assigns: list  # (placeholder, assign op) per variable, for set_weights
    init: tf.Operation
    saver: v1.train.Saver  # progress checkpoints: every variable, optimizer slots too
    final_saver: v1.train.Saver  # the finished run's variables (each tracks its own path)


def build_graph(hp: Training) -> Graph:
    """The stage's TF1 graph, in a new ``tf.Graph`` seeded with ``hp.seed``."""
    graph = tf.Graph()
    with graph.as_default():
        v1.set_random_seed(hp.seed)  # as the texts did: tf.set_random_seed(1234)
        x = v1.placeholder(tf.float32, [None, IMAGE_SIZE], name="X")
        y = v1.placeholder(tf.float32, [None, NUM_CLASSES], name="Y")
        keep_prob = v1.placeholder_with_default(1.0, [], name="keep_prob")
        family = nets.family(hp)
        training = v1.placeholder_with_default(False, [], name="training") \
            if family.v1_needs_training_flag(hp) else None
        logits = family.v1_logits(hp, x, keep_prob, training)
        variables = v1.global_variables()  # the model's alone, so far
        cost = translate.v1_loss(hp, y, logits)
        global_step = v1.train.get_or_create_global_step()
        train_op = translate.v1_optimizer(hp, global_step).minimize(cost,
                                                                    global_step=global_step)
        correct = tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1))
        accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
        assigns = []
        for var in variables:
            value = v1.placeholder(var.dtype.base_dtype, var.shape)
            assigns.append((value, var.assign(value)))
        init = v1.global_variables_initializer()
        saver, final_saver = v1.train.Saver(max_to_keep=None), v1.train.Saver(max_to_keep=1)
    graph.finalize()  # nothing may add ops during training
    return Graph(graph, x, y, keep_prob, training, logits, cost, train_op, global_step,
                 accuracy, variables, assigns, init, saver, final_saver)


def set_weights(sess: v1.Session, g: Graph, weights: list[np.ndarray]) -> None:
    """Loads Keras-ordered ``weights`` into the graph's variables, checking shapes."""
    if len(weights) != len(g.variables):
        raise ValueError(f"{len(weights)} arrays for {len(g.variables)} variables")
    for var, w in zip(g.variables, weights):
        if tuple(var.shape) != tuple(np.shape(w)):
            raise ValueError(f"{var.op.name}: shape {tuple(var.shape)}, got {np.shape(w)}")
    sess.run([assign for _, assign in g.assigns],  # one run for all: not one a variable
             {value: w for (value, _), w in zip(g.assigns, weights)})


def get_weights(sess: v1.Session, g: Graph) -> list[np.ndarray]:
    """The graph's variables in layer order (W1, b1, ...), as Keras ``set_weights`` takes."""
    return sess.run(g.variables)


def logits(sess: v1.Session, g: Graph, images: np.ndarray) -> np.ndarray:
    """The graph's logits for ``images`` [n, 784], in batches, with ``keep_prob`` 1."""
    return scoring.batched_logits(lambda batch: sess.run(g.logits, {g.x: batch}), images)
