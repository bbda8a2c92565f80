"""Reference solution for assignment 01_perceptron: perceptrons and the MLP from scratch.

Follows d2l v0.17 §4.1-4.3 (MLP, from scratch, concise) and the course slides on
the perceptron, in Keras 3 / TensorFlow.
"""
import keras
import numpy as np
import tensorflow as tf


# %% [perceptron]
def step(z):
    """The perceptron's activation: 1 where z >= 0, else 0 (as integers), as in the slides."""
    return (np.asarray(z) >= 0).astype(np.int64)


def perceptron_predict(X, w, b):
    """Predict 0/1 labels for the rows of `X` (shape (n, d)) with weights `w` (d,) and bias `b`."""
    return step(np.asarray(X) @ np.asarray(w) + b)


def perceptron_update(w, b, x, y, lr):
    """One step of the perceptron learning rule on example `(x, y)`; returns the new `(w, b)`.

    w <- w + lr * (y - y_hat) * x and b <- b + lr * (y - y_hat), where y_hat is
    the current prediction: nothing changes when the example is classified right.
    """
    error = y - perceptron_predict(np.asarray(x)[None, :], w, b)[0]
    return np.asarray(w) + lr * error * np.asarray(x), b + lr * error


def train_perceptron(X, y, lr=1.0, max_epochs=100):
    """Train from w = 0, b = 0, visiting the examples in order, until an epoch makes no mistake.

    Stops after `max_epochs` epochs if the data are not linearly separable.
    Returns `(w, b)` with w a float array of shape (d,) and b a float.
    """
    X = np.asarray(X, dtype=float)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(max_epochs):
        mistakes = 0
        for x_i, y_i in zip(X, y):
            new_w, new_b = perceptron_update(w, b, x_i, y_i, lr)
            mistakes += int(new_b != b or np.any(new_w != w))
            w, b = new_w, new_b
        if mistakes == 0:
            break
    return w, b


# %% [soft_perceptron]
def bce_loss(w, b, X, y):
    """Mean binary cross-entropy of the soft perceptron sigmoid(X w + b) against 0/1 labels `y`."""
    z = tf.linalg.matvec(X, w) + b
    # log(sigmoid(z)) and log(1 - sigmoid(z)) computed stably from the logit z.
    return tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z))


def train_soft_perceptron(X, y, lr, epochs):
    """Full-batch gradient descent on `bce_loss` from w = 0, b = 0; returns `(w, b)` as arrays."""
    X = tf.convert_to_tensor(X)
    y = tf.cast(y, X.dtype)
    w = tf.Variable(tf.zeros(X.shape[1], dtype=X.dtype))
    b = tf.Variable(tf.zeros((), dtype=X.dtype))
    for _ in range(epochs):
        with tf.GradientTape() as tape:
            loss = bce_loss(w, b, X, y)
        grad_w, grad_b = tape.gradient(loss, [w, b])
        w.assign_sub(lr * grad_w)
        b.assign_sub(lr * grad_b)
    return w.numpy(), b.numpy()


# %% [mlp_scratch]
def init_mlp_params(num_inputs=784, num_hiddens=256, num_outputs=10, sigma=0.01):
    """Return [W1, b1, W2, b2] as tf.Variables: W ~ N(0, sigma^2), biases zero (float32)."""
    W1 = tf.Variable(tf.random.normal((num_inputs, num_hiddens), stddev=sigma))
    b1 = tf.Variable(tf.zeros(num_hiddens))
    W2 = tf.Variable(tf.random.normal((num_hiddens, num_outputs), stddev=sigma))
    b2 = tf.Variable(tf.zeros(num_outputs))
    return [W1, b1, W2, b2]


def relu(X):
    """max(X, 0) elementwise."""
    return tf.nn.relu(X)


def mlp(X, params):
    """Logits of the one-hidden-layer MLP for images `X` of shape (batch, 28, 28, 1) or (batch, 784)."""
    W1, b1, W2, b2 = params
    X = tf.reshape(X, (-1, W1.shape[0]))
    X = tf.cast(X, W1.dtype)
    H = relu(tf.matmul(X, W1) + b1)
    return tf.matmul(H, W2) + b2


# %% [cross_entropy]
def cross_entropy(logits, y):
    """Per-example softmax cross-entropy of integer labels `y` given `logits` (batch, classes).

    Computed as logsumexp(o) - o_y, which stays finite for logits of any size.
    """
    y = tf.cast(y, tf.int32)
    picked = tf.gather(logits, y, axis=1, batch_dims=1)
    return tf.reduce_logsumexp(logits, axis=1) - picked


# %% [sgd_scratch]
def sgd(params, grads, lr, batch_size):
    """Minibatch SGD in place: param <- param - lr * grad / batch_size (grads of the SUMMED loss)."""
    for param, grad in zip(params, grads):
        param.assign_sub(lr * grad / batch_size)


def train_step_scratch(params, X, y, lr):
    """One SGD step of the scratch MLP on a minibatch; returns the mean loss (a scalar)."""
    with tf.GradientTape() as tape:
        loss = cross_entropy(mlp(X, params), y)
    grads = tape.gradient(loss, params)
    sgd(params, grads, lr, X.shape[0])
    return tf.reduce_mean(loss)


# %% [xor_mlp]
def xor_mlp_params():
    """Weights of a 2-2-1 MLP with ReLU hidden units that computes XOR.

    The network outputs the logit relu(x W1 + b1) W2 + b2; the prediction is 1
    where the logit is > 0. Returns `(W1 (2, 2), b1 (2,), W2 (2, 1), b2 (1,))`.
    """
    # h1 = relu(x1 + x2) counts the ones, h2 = relu(x1 + x2 - 1) fires only for (1, 1):
    # h1 - 2 h2 is 0, 1, 1, 0 on the four inputs, and the bias moves the threshold to 0.5.
    W1 = np.array([[1.0, 1.0], [1.0, 1.0]])
    b1 = np.array([0.0, -1.0])
    W2 = np.array([[1.0], [-2.0]])
    b2 = np.array([-0.5])
    return W1, b1, W2, b2


# %% [concise_mlp]
def build_concise_mlp(num_hiddens=256, num_outputs=10):
    """The book's concise MLP: Flatten -> Dense(256, relu) -> Dense(10) (logits)."""
    return keras.Sequential([
        keras.layers.Flatten(),
        keras.layers.Dense(num_hiddens, activation="relu"),
        keras.layers.Dense(num_outputs),
    ])
