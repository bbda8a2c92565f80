"""Partly wrong submission used by the demo: forgets to round the output size down, and
pool2d ignores mode (always max)."""
# variant: buggy
# loses: test_output_shape_with_stride, test_average_pooling


# %% [conv_output_shape]
def conv_output_shape(n_h, n_w, k_h, k_w, p_h=0, p_w=0, s_h=1, s_w=1):
    return (n_h - k_h + p_h + s_h) / s_h, (n_w - k_w + p_w + s_w) / s_w


# %% [pool2d]
def pool2d(X, pool_size, mode="max"):
    p_h, p_w = pool_size
    return tf.stack([tf.stack([tf.reduce_max(X[i:i + p_h, j:j + p_w])
                               for j in range(X.shape[1] - p_w + 1)])
                     for i in range(X.shape[0] - p_h + 1)])
