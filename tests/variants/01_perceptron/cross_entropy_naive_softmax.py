"""Cross-entropy as -log(softmax) with a plain exp: inf / NaN for logits of +-1000."""
# variant: buggy
# loses: test_stable_for_large_logits
import tensorflow as tf


# %% [cross_entropy]
def cross_entropy(logits, y):
    probabilities = tf.exp(logits) / tf.reduce_sum(tf.exp(logits), axis=1, keepdims=True)
    return -tf.math.log(tf.gather(probabilities, tf.cast(y, tf.int32), axis=1, batch_dims=1))
