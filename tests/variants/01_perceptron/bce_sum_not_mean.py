"""Binary cross-entropy summed over the examples instead of averaged: steps n times too large."""
# variant: buggy
# loses: test_bce_loss_value, test_gradient_descent_path
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
