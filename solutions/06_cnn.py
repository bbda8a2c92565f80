"""Reference solution for assignment 06_cnn: convolutions from scratch and classic CNNs.

Follows d2l v0.17 §6.2-6.6 (cross-correlation, padding/stride, channels,
pooling, LeNet) and §7.1-7.3 (AlexNet, VGG, NiN), ported to Keras 3.
Tensors are NHWC (channels last); Conv2D kernels are (kh, kw, c_in, c_out).
"""
import keras
import tensorflow as tf


# %% [corr2d]
def corr2d(X, K):
    """2-D cross-correlation of `X` with kernel `K` ('valid', stride 1).

    Args:
        X: 2-D tensor or array of shape (h, w), float32 or float64.
        K: 2-D tensor or array of shape (kh, kw), same dtype as `X`.

    Returns:
        A tensor of shape (h - kh + 1, w - kw + 1) and `X`'s dtype, with
        `Y[i, j] = sum(X[i:i + kh, j:j + kw] * K)`. Built only from TF ops
        (no Variable assignment), so it is differentiable w.r.t. X and K.
    """
    X = tf.convert_to_tensor(X)
    K = tf.convert_to_tensor(K, dtype=X.dtype)
    h, w = K.shape
    out_h, out_w = X.shape[0] - h + 1, X.shape[1] - w + 1
    rows = [
        tf.stack([tf.reduce_sum(X[i:i + h, j:j + w] * K) for j in range(out_w)])
        for i in range(out_h)
    ]
    return tf.stack(rows)


# %% [conv_output_shape]
def conv_output_shape(n_h, n_w, k_h, k_w, p_h=0, p_w=0, s_h=1, s_w=1):
    """Output height and width of a convolution (book §6.3).

    Args:
        n_h, n_w: input height and width.
        k_h, k_w: kernel height and width.
        p_h, p_w: TOTAL number of padded rows / columns (both sides together).
        s_h, s_w: vertical / horizontal stride.

    Returns:
        `(out_h, out_w)` as Python ints, `floor((n - k + p + s) / s)` per axis.
    """
    out_h = (n_h - k_h + p_h + s_h) // s_h
    out_w = (n_w - k_w + p_w + s_w) // s_w
    return int(out_h), int(out_w)


# %% [corr2d_multi_in]
def corr2d_multi_in(X, K):
    """Multi-input-channel cross-correlation.

    Args:
        X: tensor of shape (h, w, c_in).
        K: tensor of shape (kh, kw, c_in).

    Returns:
        Tensor of shape (h - kh + 1, w - kw + 1): the sum over the input
        channels of `corr2d(X[:, :, c], K[:, :, c])`.
    """
    X = tf.convert_to_tensor(X)
    K = tf.convert_to_tensor(K, dtype=X.dtype)
    return tf.add_n([corr2d(X[:, :, c], K[:, :, c]) for c in range(X.shape[-1])])


# %% [corr2d_multi_in_out]
def corr2d_multi_in_out(X, K):
    """Multi-input, multi-output-channel cross-correlation (Keras kernel layout).

    Args:
        X: tensor of shape (h, w, c_in).
        K: tensor of shape (kh, kw, c_in, c_out), as `Conv2D.kernel`.

    Returns:
        Tensor of shape (h - kh + 1, w - kw + 1, c_out), equal to
        `Conv2D(c_out, (kh, kw), use_bias=False)` with kernel `K` applied to
        `X[None]` (batch axis dropped).
    """
    X = tf.convert_to_tensor(X)
    K = tf.convert_to_tensor(K, dtype=X.dtype)
    return tf.stack([corr2d_multi_in(X, K[..., o]) for o in range(K.shape[-1])], axis=-1)


# %% [pool2d]
def pool2d(X, pool_size, mode="max"):
    """2-D max or average pooling of a 2-D tensor, stride 1, no padding.

    Args:
        X: tensor of shape (h, w).
        pool_size: `(p_h, p_w)`.
        mode: `"max"` or `"avg"`.

    Returns:
        Tensor of shape (h - p_h + 1, w - p_w + 1) and `X`'s dtype.

    Raises:
        ValueError: if `mode` is not `"max"` or `"avg"`.
    """
    if mode not in ("max", "avg"):
        raise ValueError(f"`mode` must be 'max' or 'avg'. Received: mode={mode!r}")
    X = tf.convert_to_tensor(X)
    p_h, p_w = pool_size
    reduce = tf.reduce_max if mode == "max" else tf.reduce_mean
    out_h, out_w = X.shape[0] - p_h + 1, X.shape[1] - p_w + 1
    rows = [
        tf.stack([reduce(X[i:i + p_h, j:j + p_w]) for j in range(out_w)])
        for i in range(out_h)
    ]
    return tf.stack(rows)


# %% [lenet]
def lenet():
    """The book's LeNet-5 (sigmoid, average pooling), 10 logits.

    No Input layer: the model builds on its first call (61,706 params at 28x28x1).
    """
    return keras.Sequential([
        keras.layers.Conv2D(filters=6, kernel_size=5, activation="sigmoid", padding="same"),
        keras.layers.AveragePooling2D(pool_size=2, strides=2),
        keras.layers.Conv2D(filters=16, kernel_size=5, activation="sigmoid"),
        keras.layers.AveragePooling2D(pool_size=2, strides=2),
        keras.layers.Flatten(),
        keras.layers.Dense(120, activation="sigmoid"),
        keras.layers.Dense(84, activation="sigmoid"),
        keras.layers.Dense(10),
    ])


# %% [alexnet]
def alexnet():
    """The book's AlexNet for 1-channel inputs, 10 logits (46,764,746 params at 224x224x1)."""
    return keras.Sequential([
        keras.layers.Conv2D(filters=96, kernel_size=11, strides=4, activation="relu"),
        keras.layers.MaxPooling2D(pool_size=3, strides=2),
        keras.layers.Conv2D(filters=256, kernel_size=5, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(pool_size=3, strides=2),
        keras.layers.Conv2D(filters=384, kernel_size=3, padding="same", activation="relu"),
        keras.layers.Conv2D(filters=384, kernel_size=3, padding="same", activation="relu"),
        keras.layers.Conv2D(filters=256, kernel_size=3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(pool_size=3, strides=2),
        keras.layers.Flatten(),
        keras.layers.Dense(4096, activation="relu"),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(4096, activation="relu"),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10),
    ])


# %% [vgg_block]
def vgg_block(num_convs, num_channels):
    """`num_convs` 3x3 'same' ReLU convolutions, then 2x2 max pooling with stride 2."""
    blk = keras.Sequential()
    for _ in range(num_convs):
        blk.add(keras.layers.Conv2D(num_channels, kernel_size=3, padding="same",
                                    activation="relu"))
    blk.add(keras.layers.MaxPooling2D(pool_size=2, strides=2))
    return blk


# %% [vgg]
def vgg(conv_arch):
    """VGG: one `vgg_block` per `(num_convs, num_channels)` pair, then the dense head.

    The head is one nested Sequential: Flatten, Dense 4096 ReLU, Dropout 0.5,
    Dense 4096 ReLU, Dropout 0.5, Dense 10 (logits). VGG-11 at 224x224x1 has
    128,806,154 params.
    """
    net = keras.Sequential()
    for num_convs, num_channels in conv_arch:
        net.add(vgg_block(num_convs, num_channels))
    net.add(keras.Sequential([
        keras.layers.Flatten(),
        keras.layers.Dense(4096, activation="relu"),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(4096, activation="relu"),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10),
    ]))
    return net


# %% [nin_block]
def nin_block(num_channels, kernel_size, strides, padding):
    """One convolution (given size/stride/padding) then two 1x1 convolutions, all ReLU."""
    return keras.Sequential([
        keras.layers.Conv2D(num_channels, kernel_size, strides=strides, padding=padding,
                            activation="relu"),
        keras.layers.Conv2D(num_channels, kernel_size=1, activation="relu"),
        keras.layers.Conv2D(num_channels, kernel_size=1, activation="relu"),
    ])


# %% [nin]
def nin():
    """The book's NiN, 10 logits from global average pooling (1,992,166 params at 224x224x1)."""
    return keras.Sequential([
        nin_block(96, kernel_size=11, strides=4, padding="valid"),
        keras.layers.MaxPooling2D(pool_size=3, strides=2),
        nin_block(256, kernel_size=5, strides=1, padding="same"),
        keras.layers.MaxPooling2D(pool_size=3, strides=2),
        nin_block(384, kernel_size=3, strides=1, padding="same"),
        keras.layers.MaxPooling2D(pool_size=3, strides=2),
        keras.layers.Dropout(0.5),
        nin_block(10, kernel_size=3, strides=1, padding="same"),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Flatten(),
    ])
