"""Weights drawn from N(0, 1): sigma forgotten, logits start huge."""
# variant: buggy
# loses: test_init_shapes_and_statistics, test_initial_loss_near_ln10
import tensorflow as tf


# %% [mlp_scratch]
def init_mlp_params(num_inputs=784, num_hiddens=256, num_outputs=10, sigma=0.01):
    W1 = tf.Variable(tf.random.normal((num_inputs, num_hiddens)))
    b1 = tf.Variable(tf.zeros(num_hiddens))
    W2 = tf.Variable(tf.random.normal((num_hiddens, num_outputs)))
    b2 = tf.Variable(tf.zeros(num_outputs))
    return [W1, b1, W2, b2]


def relu(X):
    return tf.nn.relu(X)


def mlp(X, params):
    W1, b1, W2, b2 = params
    X = tf.cast(tf.reshape(X, (-1, W1.shape[0])), W1.dtype)
    return tf.matmul(relu(tf.matmul(X, W1) + b1), W2) + b2
