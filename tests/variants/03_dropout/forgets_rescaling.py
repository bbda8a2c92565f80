"""Drops elements but forgets to divide the survivors by 1 - p."""
# variant: buggy
# loses: test_survivors_are_scaled, test_gradient_is_mask_over_keep, test_training_drops
import tensorflow as tf


# %% [dropout_layer]
def dropout_layer(X, dropout):
    X = tf.convert_to_tensor(X)
    if dropout == 1.0:
        return tf.zeros_like(X)
    mask = tf.random.uniform(shape=tf.shape(X)) < 1.0 - dropout
    return tf.cast(mask, X.dtype) * X
