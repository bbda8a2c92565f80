"""The book's TensorFlow corr2d: writes into a tf.Variable with assign, so the values are
right but no gradient reaches X."""
# variant: buggy
# loses: test_corr2d_gradient


# %% [corr2d]
def corr2d(X, K):
    h, w = K.shape
    Y = tf.Variable(tf.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1), dtype=X.dtype))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j].assign(tf.reduce_sum(X[i:i + h, j:j + w] * tf.cast(K, X.dtype)))
    return Y
