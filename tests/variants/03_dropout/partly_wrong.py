"""Partly wrong 03_dropout submission: the book's TensorFlow code, copied as is.

Expected to lose: dtype check and float64 gradient check (the mask is cast to
float32), and the training-mode check (net(X) without training=True).
"""
# variant: buggy
# loses: test_keeps_shape_and_dtype, test_gradient_is_mask_over_keep, test_runs_network_in_training_mode
import tensorflow as tf


# %% [dropout_layer]
def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return tf.zeros_like(X)
    if dropout == 0:
        return X
    mask = tf.random.uniform(shape=tf.shape(X), minval=0, maxval=1) < 1 - dropout
    return tf.cast(mask, dtype=tf.float32) * X / (1.0 - dropout)


# %% [train_step]
def train_step(net, X, y, loss_fn, optimizer):
    with tf.GradientTape() as tape:
        y_hat = net(X)
        loss = loss_fn(y, y_hat)
    grads = tape.gradient(loss, net.trainable_variables)
    optimizer.apply_gradients(zip(grads, net.trainable_variables))
    return loss
