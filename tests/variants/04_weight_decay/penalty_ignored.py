"""Training step never adds the penalty: lambd has no effect."""
# variant: buggy
# loses: test_decay_shrinks_weights, test_decay_fights_overfitting
import tensorflow as tf


# %% [train_step]
def train_step(params, X, y, lambd, lr):
    with tf.GradientTape() as tape:
        loss = squared_loss(net(X, params), y)
    grads = tape.gradient(loss, params)
    sgd(params, grads, lr, X.shape[0])
    return tf.reduce_mean(loss)
