"""Correct: plain-Python perceptron loops, log_sigmoid BCE, log_softmax cross-entropy, mean-loss step, functional Keras."""
# variant: correct
import keras
import numpy as np
import tensorflow as tf


# %% [perceptron]
def step(z):
    return np.where(np.asarray(z) >= 0, 1, 0)


def perceptron_predict(X, w, b):
    return np.array([step(sum(x_j * w_j for x_j, w_j in zip(x, w)) + b) for x in X])


def perceptron_update(w, b, x, y, lr):
    y_hat = perceptron_predict([x], w, b)[0]
    w = [w_j + lr * (y - y_hat) * x_j for w_j, x_j in zip(w, x)]
    return np.array(w), b + lr * (y - y_hat)


def train_perceptron(X, y, lr=1.0, max_epochs=100):
    w, b = np.zeros(len(X[0])), 0.0
    epoch = 0
    while epoch < max_epochs:
        epoch += 1
        errors = 0
        for x_i, y_i in zip(X, y):
            errors += int(perceptron_predict([x_i], w, b)[0] != y_i)
            w, b = perceptron_update(w, b, x_i, y_i, lr)
        if errors == 0:
            break
    return w, b


# %% [soft_perceptron]
def bce_loss(w, b, X, y):
    z = tf.tensordot(X, w, axes=1) + b
    y = tf.cast(y, z.dtype)
    return -tf.reduce_mean(y * tf.math.log_sigmoid(z) + (1 - y) * tf.math.log_sigmoid(-z))


def train_soft_perceptron(X, y, lr, epochs):
    X = tf.constant(X)
    w = tf.Variable(tf.zeros([X.shape[1]], dtype=X.dtype))
    b = tf.Variable(tf.constant(0, dtype=X.dtype))
    for _ in range(epochs):
        with tf.GradientTape() as tape:
            loss = bce_loss(w, b, X, y)
        for variable, grad in zip([w, b], tape.gradient(loss, [w, b])):
            variable.assign(variable - lr * grad)
    return w.numpy(), b.numpy()


# %% [mlp_scratch]
def init_mlp_params(num_inputs=784, num_hiddens=256, num_outputs=10, sigma=0.01):
    return [tf.Variable(tf.random.normal([num_inputs, num_hiddens], mean=0.0, stddev=sigma)),
            tf.Variable(tf.zeros([num_hiddens])),
            tf.Variable(tf.random.normal([num_hiddens, num_outputs], mean=0.0, stddev=sigma)),
            tf.Variable(tf.zeros([num_outputs]))]


def relu(X):
    return tf.where(X > 0, X, tf.zeros_like(X))


def mlp(X, params):
    W1, b1, W2, b2 = params
    X = tf.cast(tf.reshape(X, [tf.shape(X)[0], -1]), W1.dtype)
    return relu(X @ W1 + b1) @ W2 + b2


# %% [cross_entropy]
def cross_entropy(logits, y):
    one_hot = tf.one_hot(tf.cast(y, tf.int32), depth=logits.shape[1], dtype=logits.dtype)
    return -tf.reduce_sum(one_hot * tf.nn.log_softmax(logits, axis=1), axis=1)


# %% [sgd_scratch]
def sgd(params, grads, lr, batch_size):
    for i, grad in enumerate(grads):
        params[i].assign(params[i] - lr / batch_size * grad)


def train_step_scratch(params, X, y, lr):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(cross_entropy(mlp(X, params), y))
    # The mean already divides by the batch size.
    sgd(params, tape.gradient(loss, params), lr, batch_size=1)
    return loss


# %% [xor_mlp]
def xor_mlp_params():
    # h1 = relu(x1 - x2), h2 = relu(x2 - x1): exactly one fires when the bits differ.
    return (np.array([[1.0, -1.0], [-1.0, 1.0]]), np.zeros(2),
            np.array([[1.0], [1.0]]), np.array([-0.5]))


# %% [concise_mlp]
def build_concise_mlp(num_hiddens=256, num_outputs=10):
    inputs = keras.Input(shape=(28, 28, 1))
    hidden = keras.layers.Dense(num_hiddens, activation="relu")(keras.layers.Flatten()(inputs))
    return keras.Model(inputs, keras.layers.Dense(num_outputs)(hidden))
