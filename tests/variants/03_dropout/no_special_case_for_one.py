"""No special case for p = 1: the survivors are divided by 1 - p = 0, giving NaN."""
# variant: buggy
# loses: test_p0_identity_and_p1_zeros
import tensorflow as tf


# %% [dropout_layer]
def dropout_layer(X, dropout):
    X = tf.convert_to_tensor(X)
    mask = tf.random.uniform(shape=tf.shape(X), minval=0, maxval=1) < 1.0 - dropout
    return tf.cast(mask, dtype=X.dtype) * X / (1.0 - dropout)
