"""Correct: max-shifted cross-entropy by hand, other XOR weights, Reshape instead of Flatten."""
# variant: correct
import keras
import numpy as np
import tensorflow as tf


# %% [cross_entropy]
def cross_entropy(logits, y):
    shifted = logits - tf.reduce_max(logits, axis=1, keepdims=True)
    log_norm = tf.math.log(tf.reduce_sum(tf.exp(shifted), axis=1))
    rows = tf.range(tf.shape(logits)[0])
    picked = tf.gather_nd(shifted, tf.stack([rows, tf.cast(y, tf.int32)], axis=1))
    return log_norm - picked


# %% [xor_mlp]
def xor_mlp_params():
    # Other hand-picked weights: h1 fires only for (1, 1) and cancels 2 h2 there.
    return (np.array([[2.0, 1.5], [2.0, 1.5]]), np.array([-2.5, 0.0]),
            np.array([[-4.0], [2.0]]), np.array([-1.0]))


# %% [concise_mlp]
def build_concise_mlp(num_hiddens=256, num_outputs=10):
    return keras.Sequential([
        keras.layers.Reshape((784,)),
        keras.layers.Dense(num_hiddens, activation="relu"),
        keras.layers.Dense(num_outputs),
    ])
