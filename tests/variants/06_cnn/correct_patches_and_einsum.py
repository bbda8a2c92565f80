"""Correct, written differently: windows gathered with tf.image.extract_patches and contracted
with tf.einsum (one implementation for one and many channels), pooling over the same windows."""
# variant: correct


# %% [corr2d]
def _windows(X, kh, kw):
    """(h', w', kh, kw, c) windows of an (h, w, c) tensor, stride 1, valid."""
    patches = tf.image.extract_patches(X[None], sizes=[1, kh, kw, 1], strides=[1, 1, 1, 1],
                                       rates=[1, 1, 1, 1], padding="VALID")[0]
    return tf.reshape(patches, (patches.shape[0], patches.shape[1], kh, kw, X.shape[-1]))


def corr2d(X, K):
    X = tf.convert_to_tensor(X)
    K = tf.cast(K, X.dtype)
    return tf.einsum("ijab,ab->ij", _windows(X[..., None], *K.shape)[..., 0], K)


# %% [conv_output_shape]
def conv_output_shape(n_h, n_w, k_h, k_w, p_h=0, p_w=0, s_h=1, s_w=1):
    return tuple((n - k + p) // s + 1 for n, k, p, s in ((n_h, k_h, p_h, s_h), (n_w, k_w, p_w, s_w)))


# %% [corr2d_multi_in]
def corr2d_multi_in(X, K):
    X = tf.convert_to_tensor(X)
    K = tf.cast(K, X.dtype)
    return tf.einsum("ijabc,abc->ij", _windows(X, K.shape[0], K.shape[1]), K)


# %% [corr2d_multi_in_out]
def corr2d_multi_in_out(X, K):
    X = tf.convert_to_tensor(X)
    K = tf.cast(K, X.dtype)
    return tf.einsum("ijabc,abco->ijo", _windows(X, K.shape[0], K.shape[1]), K)


# %% [pool2d]
def pool2d(X, pool_size, mode="max"):
    if mode == "max":
        reduce = tf.reduce_max
    elif mode == "avg":
        reduce = tf.reduce_mean
    else:
        raise ValueError("mode must be 'max' or 'avg'")
    X = tf.convert_to_tensor(X)
    return reduce(_windows(X[..., None], *pool_size), axis=[2, 3, 4])
