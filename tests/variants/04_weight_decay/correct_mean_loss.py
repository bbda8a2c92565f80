"""Correct: a scalar mean loss with sgd(batch_size=1), assign instead of assign_sub, functional Keras."""
# variant: correct
import keras
import tensorflow as tf


# %% [l2_penalty]
def l2_penalty(w):
    return 0.5 * tf.reduce_sum(tf.square(w))


# %% [sgd]
def sgd(params, grads, lr, batch_size):
    for i in range(len(params)):
        params[i].assign(params[i] - lr * grads[i] / batch_size)


# %% [train_step]
def train_step(params, X, y, lambd, lr):
    with tf.GradientTape() as tape:
        # The mean already divides by the batch size, so sgd gets batch_size=1.
        loss = tf.reduce_mean(squared_loss(net(X, params), y)) + lambd * l2_penalty(params[0])
    sgd(params, tape.gradient(loss, params), lr, 1)
    return loss


# %% [build_concise]
def build_concise(wd):
    inputs = keras.Input(shape=(200,))
    outputs = keras.layers.Dense(1, kernel_regularizer=keras.regularizers.l2(wd))(inputs)
    return keras.Model(inputs, outputs)


# %% [keras_equivalent]
def keras_equivalent(lambd, lr):
    return [lambd, 0.5 * lr]
