"""corr2d_multi_in_out computed with TensorFlow's finished convolution: the values equal
Conv2D's, but the notebook asks for it to be built from the student's own corr2d_multi_in,
so the source policy holds the cell back and the multi-channel checks are lost."""
# variant: buggy
# loses: test_multi_in_sums_over_channels, test_multi_in_out_matches_conv2d


# %% [corr2d_multi_in_out]
def corr2d_multi_in_out(X, K):
    X = tf.convert_to_tensor(X)
    K = tf.convert_to_tensor(K, dtype=X.dtype)
    return tf.nn.conv2d(X[None], K, strides=1, padding="VALID")[0]
