"""Penalty is the plain sum of squares (the 1/2 forgotten), so its gradient is 2w."""
# variant: buggy
# loses: test_value_is_half_sum_of_squares, test_gradient_is_w, test_decay_shrinks_weights
import tensorflow as tf


# %% [l2_penalty]
def l2_penalty(w):
    return tf.reduce_sum(w ** 2)
