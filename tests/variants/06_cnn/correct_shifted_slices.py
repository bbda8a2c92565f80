"""Correct, written differently: corr2d as a sum of shifted slices (one term per kernel
entry), channels by broadcasting, pooling with tf.nn, networks assembled with add() and the
Keras aliases (AvgPool2D, MaxPool2D, GlobalAvgPool2D)."""
# variant: correct


# %% [corr2d]
def corr2d(X, K):
    X = tf.convert_to_tensor(X)
    K = tf.cast(K, X.dtype)
    kh, kw = K.shape
    oh, ow = X.shape[0] - kh + 1, X.shape[1] - kw + 1
    Y = tf.zeros((oh, ow), dtype=X.dtype)
    for a in range(kh):
        for b in range(kw):
            Y = Y + X[a:a + oh, b:b + ow] * K[a, b]
    return Y


# %% [conv_output_shape]
import math


def conv_output_shape(n_h, n_w, k_h, k_w, p_h=0, p_w=0, s_h=1, s_w=1):
    return (math.floor((n_h - k_h + p_h) / s_h) + 1, math.floor((n_w - k_w + p_w) / s_w) + 1)


# %% [corr2d_multi_in]
def corr2d_multi_in(X, K):
    return tf.reduce_sum(tf.stack([corr2d(X[:, :, c], K[:, :, c]) for c in range(X.shape[2])]),
                         axis=0)


# %% [corr2d_multi_in_out]
def corr2d_multi_in_out(X, K):
    outputs = [corr2d_multi_in(X, K[:, :, :, o]) for o in range(K.shape[3])]
    return tf.transpose(tf.stack(outputs), perm=[1, 2, 0])


# %% [pool2d]
def pool2d(X, pool_size, mode="max"):
    pools = {"max": tf.nn.max_pool2d, "avg": tf.nn.avg_pool2d}
    if mode not in pools:
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    X = tf.convert_to_tensor(X)
    return pools[mode](X[None, :, :, None], ksize=list(pool_size), strides=1,
                       padding="VALID")[0, :, :, 0]


# %% [lenet]
def lenet():
    net = keras.Sequential()
    net.add(keras.layers.Conv2D(6, (5, 5), padding="same", activation=keras.activations.sigmoid))
    net.add(keras.layers.AvgPool2D(pool_size=(2, 2)))
    net.add(keras.layers.Conv2D(16, (5, 5), activation=keras.activations.sigmoid))
    net.add(keras.layers.AvgPool2D(pool_size=(2, 2)))
    net.add(keras.layers.Flatten())
    for units in (120, 84):
        net.add(keras.layers.Dense(units, activation=keras.activations.sigmoid))
    net.add(keras.layers.Dense(10))
    return net


# %% [alexnet]
def alexnet():
    def conv(c, k, **kw):
        return keras.layers.Conv2D(c, k, activation="relu", **kw)
    def pool():
        return keras.layers.MaxPool2D(pool_size=(3, 3), strides=(2, 2))
    return keras.Sequential([
        conv(96, 11, strides=4), pool(),
        conv(256, 5, padding="same"), pool(),
        conv(384, 3, padding="same"), conv(384, 3, padding="same"), conv(256, 3, padding="same"),
        pool(), keras.layers.Flatten(),
        keras.layers.Dense(4096, activation="relu"), keras.layers.Dropout(0.5),
        keras.layers.Dense(4096, activation="relu"), keras.layers.Dropout(0.5),
        keras.layers.Dense(10),
    ])


# %% [vgg_block]
def vgg_block(num_convs, num_channels):
    layers = [keras.layers.Conv2D(num_channels, (3, 3), padding="same", activation="relu")
              for _ in range(num_convs)]
    return keras.Sequential(layers + [keras.layers.MaxPool2D(2)])


# %% [vgg]
def vgg(conv_arch):
    head = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(4096, activation="relu"),
                             keras.layers.Dropout(0.5),
                             keras.layers.Dense(4096, activation="relu"),
                             keras.layers.Dropout(0.5), keras.layers.Dense(10)])
    return keras.Sequential([vgg_block(n, c) for n, c in conv_arch] + [head])


# %% [nin_block]
def nin_block(num_channels, kernel_size, strides, padding):
    block = keras.Sequential()
    block.add(keras.layers.Conv2D(num_channels, kernel_size, strides, padding, activation="relu"))
    for _ in range(2):
        block.add(keras.layers.Conv2D(num_channels, 1, activation="relu"))
    return block


# %% [nin]
def nin():
    net = keras.Sequential()
    for channels, kernel, stride, padding in ((96, 11, 4, "valid"), (256, 5, 1, "same"),
                                              (384, 3, 1, "same")):
        net.add(nin_block(channels, kernel, stride, padding))
        net.add(keras.layers.MaxPool2D(3, strides=2))
    net.add(keras.layers.Dropout(0.5))
    net.add(nin_block(10, 3, 1, "same"))
    net.add(keras.layers.GlobalAvgPool2D())
    net.add(keras.layers.Flatten())
    return net
