"""Correct: the decay term added to the gradient by hand, penalty by tensordot, Keras with Input."""
# variant: correct
import keras
import tensorflow as tf


# %% [l2_penalty]
def l2_penalty(w):
    flat = tf.reshape(w, [-1])
    return tf.tensordot(flat, flat, axes=1) / 2


# %% [train_step]
def train_step(params, X, y, lambd, lr):
    w, b = params
    n = X.shape[0]
    with tf.GradientTape() as tape:
        data_loss = squared_loss(net(X, params), y)
    grad_w, grad_b = tape.gradient(data_loss, params)
    # d/dw of n copies of lambd * ||w||^2 / 2 is n * lambd * w.
    sgd(params, [grad_w + n * lambd * w, grad_b], lr, n)
    return tf.reduce_mean(data_loss) + lambd * l2_penalty(w)


# %% [build_concise]
def build_concise(wd):
    return keras.Sequential([
        keras.Input(shape=(200,)),
        keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L2(l2=wd)),
    ])


# %% [keras_equivalent]
def keras_equivalent(lambd, lr):
    keras_lr = lr / 2
    wd = lr * lambd / (2 * keras_lr)
    return wd, keras_lr
