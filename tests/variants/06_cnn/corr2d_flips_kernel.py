"""Flips the kernel (a true convolution, not the cross-correlation Conv2D computes): every
function built on corr2d inherits the error."""
# variant: buggy
# loses: test_corr2d_matches_cross_correlation, test_corr2d_gradient, test_multi_in_sums_over_channels, test_multi_in_out_matches_conv2d


# %% [corr2d]
def corr2d(X, K):
    X = tf.convert_to_tensor(X)
    K = tf.reverse(tf.convert_to_tensor(K, dtype=X.dtype), axis=[0, 1])
    h, w = K.shape
    return tf.stack([tf.stack([tf.reduce_sum(X[i:i + h, j:j + w] * K)
                               for j in range(X.shape[1] - w + 1)])
                     for i in range(X.shape[0] - h + 1)])
