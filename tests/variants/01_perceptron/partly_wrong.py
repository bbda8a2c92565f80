"""Partly wrong submission used by the demo: summed BCE and a cross-entropy that overflows."""
# variant: buggy
# loses: test_bce_loss_value, test_gradient_descent_path, test_stable_for_large_logits
import tensorflow as tf


# %% [soft_perceptron]
def bce_loss(w, b, X, y):
    z = tf.linalg.matvec(X, w) + b
    return tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=z))


def train_soft_perceptron(X, y, lr, epochs):
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


# %% [cross_entropy]
def cross_entropy(logits, y):
    probabilities = tf.exp(logits) / tf.reduce_sum(tf.exp(logits), axis=1, keepdims=True)
    return -tf.math.log(tf.gather(probabilities, tf.cast(y, tf.int32), axis=1, batch_dims=1))
