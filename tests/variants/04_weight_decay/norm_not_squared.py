"""Penalty uses the norm ||w|| / 2 instead of the squared norm."""
# variant: buggy
# loses: test_value_is_half_sum_of_squares, test_gradient_is_w, test_decay_shrinks_weights, test_decay_fights_overfitting
import tensorflow as tf


# %% [l2_penalty]
def l2_penalty(w):
    return tf.norm(w) / 2
