"""Reference solution for assignment 04_weight_decay: L2 regularization from scratch and in Keras.

Follows d2l v0.17 §4.5 (weight decay), ported to Keras 3. The helpers below the
imports are copies of the notebook's locked cells (given to students), so that
this module imports on its own; the sections after them are the answers.
"""
import keras
import tensorflow as tf


def init_params(num_inputs=200):
    """The book's initialization: w ~ N(1, 1) of shape (num_inputs, 1), b = 0."""
    w = tf.Variable(tf.random.normal((num_inputs, 1), mean=1.0, stddev=1.0, dtype=tf.float64))
    b = tf.Variable(tf.zeros((1,), dtype=tf.float64))
    return [w, b]


def net(X, params):
    """Linear regression X w + b."""
    w, b = params
    return tf.matmul(X, w) + b


def squared_loss(y_hat, y):
    """Per-example squared loss (y_hat - y)^2 / 2, shape (batch, 1)."""
    return (y_hat - tf.reshape(y, tf.shape(y_hat))) ** 2 / 2


# %% [l2_penalty]
def l2_penalty(w):
    """Return the L2 penalty ||w||^2 / 2 (a scalar) of a weight tensor of any shape."""
    return tf.reduce_sum(w ** 2) / 2


# %% [sgd]
def sgd(params, grads, lr, batch_size):
    """Minibatch SGD, updating each `tf.Variable` in `params` in place.

    `grads` are gradients of the loss SUMMED over the minibatch, so each
    parameter moves by `lr * grad / batch_size` (the book's `d2l.sgd`).
    """
    for param, grad in zip(params, grads):
        param.assign_sub(lr * grad / batch_size)


# %% [train_step]
def train_step(params, X, y, lambd, lr):
    """One SGD step on the penalized loss; returns the minibatch's mean loss.

    The loss of each example is `squared_loss + lambd * l2_penalty(w)`; only
    the weights `w = params[0]` are penalized, never the bias `b = params[1]`.
    """
    w, b = params
    with tf.GradientTape() as tape:
        # The penalty (a scalar) is broadcast onto every example's loss, so the
        # summed gradient holds it batch_size times; sgd divides it back out.
        loss = squared_loss(net(X, params), y) + lambd * l2_penalty(w)
    grads = tape.gradient(loss, params)
    sgd(params, grads, lr, X.shape[0])
    return tf.reduce_mean(loss)


# %% [build_concise]
def build_concise(wd):
    """Linear regression in Keras whose kernel (not bias) carries the penalty wd * sum(w^2)."""
    return keras.Sequential([
        keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L2(wd)),
    ])


# %% [keras_equivalent]
def keras_equivalent(lambd, lr):
    """Keras settings `(wd, keras_lr)` that take exactly the scratch model's SGD steps."""
    # Scratch minimizes (1/2)[mean((y_hat - y)^2) + lambd ||w||^2]; Keras with
    # MeanSquaredError and L2(wd) minimizes mean((y_hat - y)^2) + wd ||w||^2.
    # With wd = lambd the objectives differ by a factor 2, and so do their
    # gradients: halving the learning rate gives identical steps.
    return lambd, lr / 2
