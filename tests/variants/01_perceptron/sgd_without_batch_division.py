"""SGD forgets to divide by the batch size: steps 256 times too large, training diverges."""
# variant: buggy
# loses: test_sgd_update, test_step_equals_keras_sgd, test_overfits_a_small_batch, test_scratch_accuracy
import tensorflow as tf


# %% [sgd_scratch]
def sgd(params, grads, lr, batch_size):
    for param, grad in zip(params, grads):
        param.assign_sub(lr * grad)


def train_step_scratch(params, X, y, lr):
    with tf.GradientTape() as tape:
        loss = cross_entropy(mlp(X, params), y)
    grads = tape.gradient(loss, params)
    sgd(params, grads, lr, X.shape[0])
    return tf.reduce_mean(loss)
