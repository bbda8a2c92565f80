"""Stacks the output channels on axis 0, as the book's channels-first code does: (c_o, h, w)
instead of Keras' (h, w, c_o)."""
# variant: buggy
# loses: test_multi_in_out_matches_conv2d


# %% [corr2d_multi_in_out]
def corr2d_multi_in_out(X, K):
    X = tf.convert_to_tensor(X)
    K = tf.convert_to_tensor(K, dtype=X.dtype)
    return tf.stack([corr2d_multi_in(X, K[..., o]) for o in range(K.shape[-1])], axis=0)
