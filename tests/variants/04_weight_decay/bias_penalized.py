"""Penalizes the bias as well as the weights."""
# variant: buggy
# loses: test_bias_is_not_penalized
import tensorflow as tf


# %% [train_step]
def train_step(params, X, y, lambd, lr):
    w, b = params
    with tf.GradientTape() as tape:
        loss = squared_loss(net(X, params), y) + lambd * (l2_penalty(w) + l2_penalty(b))
    grads = tape.gradient(loss, params)
    sgd(params, grads, lr, X.shape[0])
    return tf.reduce_mean(loss)
