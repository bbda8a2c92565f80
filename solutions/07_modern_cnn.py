"""Reference solution for assignment 07_modern_cnn: GoogLeNet, batch normalization, ResNet, DenseNet.

Follows d2l v0.17 §7.4-7.7, ported to Keras 3 (NHWC). The book's TensorFlow
code breaks in Keras 3 where it iterates `self.some_list.layers` (a TrackedList
has no `.layers`), calls `self.add_update` or declares `call(self, x, training)`
without a default; the code below avoids all three.
"""
import keras
import tensorflow as tf


# %% [inception]
class Inception(keras.layers.Layer):
    """GoogLeNet's Inception block: four parallel paths concatenated on the channel axis.

    Path 1: 1x1 conv with `c1` channels. Path 2: 1x1 conv with `c2[0]`, then 3x3
    'same' conv with `c2[1]`. Path 3: 1x1 conv with `c3[0]`, then 5x5 'same' conv
    with `c3[1]`. Path 4: 3x3 max pooling (stride 1, 'same'), then 1x1 conv with
    `c4`. Every conv uses ReLU. Output channels: c1 + c2[1] + c3[1] + c4, in
    that order; height and width are kept.
    """

    def __init__(self, c1, c2, c3, c4, **kwargs):
        super().__init__(**kwargs)
        self.p1_1 = keras.layers.Conv2D(c1, 1, activation="relu")
        self.p2_1 = keras.layers.Conv2D(c2[0], 1, activation="relu")
        self.p2_2 = keras.layers.Conv2D(c2[1], 3, padding="same", activation="relu")
        self.p3_1 = keras.layers.Conv2D(c3[0], 1, activation="relu")
        self.p3_2 = keras.layers.Conv2D(c3[1], 5, padding="same", activation="relu")
        self.p4_1 = keras.layers.MaxPooling2D(3, strides=1, padding="same")
        self.p4_2 = keras.layers.Conv2D(c4, 1, activation="relu")

    def call(self, x):
        p1 = self.p1_1(x)
        p2 = self.p2_2(self.p2_1(x))
        p3 = self.p3_2(self.p3_1(x))
        p4 = self.p4_2(self.p4_1(x))
        return keras.ops.concatenate([p1, p2, p3, p4], axis=-1)


# %% [googlenet]
def googlenet():
    """The book's GoogLeNet: five stages (b1-b5) as nested Sequentials, then Dense(10)."""
    b1 = keras.Sequential([
        keras.layers.Conv2D(64, 7, strides=2, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(3, strides=2, padding="same"),
    ])
    b2 = keras.Sequential([
        keras.layers.Conv2D(64, 1, activation="relu"),
        keras.layers.Conv2D(192, 3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(3, strides=2, padding="same"),
    ])
    b3 = keras.Sequential([
        Inception(64, (96, 128), (16, 32), 32),
        Inception(128, (128, 192), (32, 96), 64),
        keras.layers.MaxPooling2D(3, strides=2, padding="same"),
    ])
    b4 = keras.Sequential([
        Inception(192, (96, 208), (16, 48), 64),
        Inception(160, (112, 224), (24, 64), 64),
        Inception(128, (128, 256), (24, 64), 64),
        Inception(112, (144, 288), (32, 64), 64),
        Inception(256, (160, 320), (32, 128), 128),
        keras.layers.MaxPooling2D(3, strides=2, padding="same"),
    ])
    b5 = keras.Sequential([
        Inception(256, (160, 320), (32, 128), 128),
        Inception(384, (192, 384), (48, 128), 128),
        keras.layers.GlobalAveragePooling2D(),
    ])
    return keras.Sequential([b1, b2, b3, b4, b5, keras.layers.Dense(10)])


# %% [batch_norm]
def batch_norm(X, gamma, beta, mean, var, eps):
    """gamma * (X - mean) / sqrt(var + eps) + beta, broadcast over the last (channel) axis."""
    return gamma * (X - mean) / tf.sqrt(var + eps) + beta


# %% [BatchNorm]
class BatchNorm(keras.layers.Layer):
    """Batch normalization over the last axis, from scratch.

    Weights, created in `build` in this order: `gamma` (ones) and `beta` (zeros),
    trainable; `moving_mean` (zeros) and `moving_variance` (ones), not trainable;
    all of shape (channels,). In training mode the layer normalizes with the
    batch's mean and biased variance over every axis but the last and updates
    `moving = momentum * moving + (1 - momentum) * batch`; otherwise
    (`training` false or None) it uses the moving statistics.
    """

    def __init__(self, momentum=0.9, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.epsilon = epsilon

    def build(self, input_shape):
        shape = (input_shape[-1],)
        self.gamma = self.add_weight(name="gamma", shape=shape, initializer="ones")
        self.beta = self.add_weight(name="beta", shape=shape, initializer="zeros")
        self.moving_mean = self.add_weight(name="moving_mean", shape=shape,
                                           initializer="zeros", trainable=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=shape,
                                               initializer="ones", trainable=False)

    def call(self, inputs, training=None):
        if training:
            axes = list(range(len(inputs.shape) - 1))
            mean = tf.reduce_mean(inputs, axis=axes)
            var = tf.reduce_mean(tf.square(inputs - mean), axis=axes)
            self.moving_mean.assign(self.momentum * self.moving_mean
                                    + (1 - self.momentum) * mean)
            self.moving_variance.assign(self.momentum * self.moving_variance
                                        + (1 - self.momentum) * var)
        else:
            mean, var = self.moving_mean, self.moving_variance
        return batch_norm(inputs, self.gamma, self.beta, mean, var, self.epsilon)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "epsilon": self.epsilon}


# %% [bn_lenet]
def bn_lenet():
    """LeNet with BatchNorm after every conv and hidden Dense layer (valid convs, sigmoid)."""
    return keras.Sequential([
        keras.layers.Conv2D(6, 5), BatchNorm(), keras.layers.Activation("sigmoid"),
        keras.layers.AveragePooling2D(pool_size=2, strides=2),
        keras.layers.Conv2D(16, 5), BatchNorm(), keras.layers.Activation("sigmoid"),
        keras.layers.AveragePooling2D(pool_size=2, strides=2),
        keras.layers.Flatten(),
        keras.layers.Dense(120), BatchNorm(), keras.layers.Activation("sigmoid"),
        keras.layers.Dense(84), BatchNorm(), keras.layers.Activation("sigmoid"),
        keras.layers.Dense(10),
    ])


# %% [residual]
class Residual(keras.layers.Layer):
    """ResNet's residual block: conv-BN-ReLU-conv-BN plus the shortcut, then ReLU.

    Both convs are 3x3 'same' with `num_channels`; the first has `strides`. The
    shortcut is the input itself, or with `use_1x1conv` a 1x1 conv with
    `num_channels` and `strides`. BN layers are `keras.layers.BatchNormalization`.
    """

    def __init__(self, num_channels, use_1x1conv=False, strides=1, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = keras.layers.Conv2D(num_channels, 3, strides=strides, padding="same")
        self.conv2 = keras.layers.Conv2D(num_channels, 3, padding="same")
        self.conv3 = (keras.layers.Conv2D(num_channels, 1, strides=strides)
                      if use_1x1conv else None)
        self.bn1 = keras.layers.BatchNormalization()
        self.bn2 = keras.layers.BatchNormalization()

    def call(self, X, training=None):
        Y = keras.activations.relu(self.bn1(self.conv1(X), training=training))
        Y = self.bn2(self.conv2(Y), training=training)
        shortcut = self.conv3(X) if self.conv3 is not None else X
        return keras.activations.relu(Y + shortcut)


# %% [resnet]
class ResnetBlock(keras.layers.Layer):
    """`num_residuals` residual blocks; the first halves height and width and changes the
    channels with a 1x1 shortcut, unless `first_block`."""

    def __init__(self, num_channels, num_residuals, first_block=False, **kwargs):
        super().__init__(**kwargs)
        self.residual_layers = [
            Residual(num_channels, use_1x1conv=True, strides=2) if i == 0 and not first_block
            else Residual(num_channels)
            for i in range(num_residuals)
        ]

    def call(self, X, training=None):
        for layer in self.residual_layers:
            X = layer(X, training=training)
        return X


def resnet18():
    """ResNet-18: 7x7 stem, four ResnetBlocks of two residual blocks, global pooling, Dense(10)."""
    return keras.Sequential([
        keras.layers.Conv2D(64, 7, strides=2, padding="same"),
        keras.layers.BatchNormalization(),
        keras.layers.Activation("relu"),
        keras.layers.MaxPooling2D(pool_size=3, strides=2, padding="same"),
        ResnetBlock(64, 2, first_block=True),
        ResnetBlock(128, 2),
        ResnetBlock(256, 2),
        ResnetBlock(512, 2),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(10),
    ])


# %% [dense_blocks]
class ConvBlock(keras.layers.Layer):
    """BN, ReLU, 3x3 'same' conv with `num_channels`; the input is kept in front of the output."""

    def __init__(self, num_channels, **kwargs):
        super().__init__(**kwargs)
        self.bn = keras.layers.BatchNormalization()
        self.relu = keras.layers.ReLU()
        self.conv = keras.layers.Conv2D(num_channels, 3, padding="same")

    def call(self, x, training=None):
        y = self.conv(self.relu(self.bn(x, training=training)))
        return keras.ops.concatenate([x, y], axis=-1)


class DenseBlock(keras.layers.Layer):
    """`num_convs` ConvBlocks: each adds `num_channels` channels after the ones it received."""

    def __init__(self, num_convs, num_channels, **kwargs):
        super().__init__(**kwargs)
        self.conv_blocks = [ConvBlock(num_channels) for _ in range(num_convs)]

    def call(self, x, training=None):
        for block in self.conv_blocks:
            x = block(x, training=training)
        return x


class TransitionBlock(keras.layers.Layer):
    """BN, ReLU, 1x1 conv to `num_channels`, then 2x2 average pooling with stride 2."""

    def __init__(self, num_channels, **kwargs):
        super().__init__(**kwargs)
        self.bn = keras.layers.BatchNormalization()
        self.relu = keras.layers.ReLU()
        self.conv = keras.layers.Conv2D(num_channels, 1)
        self.pool = keras.layers.AveragePooling2D(pool_size=2, strides=2)

    def call(self, x, training=None):
        return self.pool(self.conv(self.relu(self.bn(x, training=training))))


# %% [densenet]
def densenet():
    """DenseNet: 7x7 stem, four dense blocks of 4 convs (growth 32) with transitions that
    halve the channels, then BN, ReLU, global pooling and Dense(10)."""
    net = keras.Sequential([
        keras.layers.Conv2D(64, 7, strides=2, padding="same"),
        keras.layers.BatchNormalization(),
        keras.layers.ReLU(),
        keras.layers.MaxPooling2D(pool_size=3, strides=2, padding="same"),
    ])
    num_channels, growth_rate = 64, 32
    num_convs_in_dense_blocks = [4, 4, 4, 4]
    for i, num_convs in enumerate(num_convs_in_dense_blocks):
        net.add(DenseBlock(num_convs, growth_rate))
        num_channels += num_convs * growth_rate
        if i != len(num_convs_in_dense_blocks) - 1:
            num_channels //= 2
            net.add(TransitionBlock(num_channels))
    net.add(keras.layers.BatchNormalization())
    net.add(keras.layers.ReLU())
    net.add(keras.layers.GlobalAveragePooling2D())
    net.add(keras.layers.Flatten())
    net.add(keras.layers.Dense(10))
    return net
