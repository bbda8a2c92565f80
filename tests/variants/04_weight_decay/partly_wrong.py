"""Partly wrong submission used by the demo: penalty without 1/2, Keras scale misunderstood."""
# variant: buggy
# loses: test_value_is_half_sum_of_squares, test_gradient_is_w, test_decay_shrinks_weights, test_equivalent_settings
import tensorflow as tf


# %% [l2_penalty]
def l2_penalty(w):
    return tf.reduce_sum(w ** 2)


# %% [keras_equivalent]
def keras_equivalent(lambd, lr):
    return lambd, lr
