"""Correct, the way the book's code and the Thuyloi slides write it: the book's eps = 1e-12
as BatchNorm's default, the moving variance started at zeros as the slide shows it (the book
and Keras start it at ones), BN-LeNet with max pooling as in the slide (the book averages),
the book's DenseNet (Activation('relu'), GlobalAvgPool2D straight into Dense, no Flatten)
and a ReLU() layer in ResNet's stem."""
# variant: correct


# %% [BatchNorm]
class BatchNorm(keras.layers.Layer):
    def __init__(self, momentum=0.9, epsilon=1e-12, **kwargs):
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
                                               initializer="zeros", trainable=False)

    def call(self, inputs, training=None):
        if training:
            axes = list(range(len(inputs.shape) - 1))
            mean = tf.reduce_mean(inputs, axis=axes)
            var = tf.reduce_mean((inputs - mean) ** 2, axis=axes)
            self.moving_mean.assign(self.momentum * self.moving_mean
                                    + (1.0 - self.momentum) * mean)
            self.moving_variance.assign(self.momentum * self.moving_variance
                                        + (1.0 - self.momentum) * var)
        else:
            mean, var = self.moving_mean, self.moving_variance
        return batch_norm(inputs, self.gamma, self.beta, mean, var, self.epsilon)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "epsilon": self.epsilon}


# %% [bn_lenet]
def bn_lenet():
    return keras.Sequential([
        keras.layers.Conv2D(6, kernel_size=5), BatchNorm(), keras.layers.Activation("sigmoid"),
        keras.layers.MaxPooling2D(pool_size=2, strides=2),
        keras.layers.Conv2D(16, kernel_size=5), BatchNorm(), keras.layers.Activation("sigmoid"),
        keras.layers.MaxPooling2D(pool_size=2, strides=2),
        keras.layers.Flatten(),
        keras.layers.Dense(120), BatchNorm(), keras.layers.Activation("sigmoid"),
        keras.layers.Dense(84), BatchNorm(), keras.layers.Activation("sigmoid"),
        keras.layers.Dense(10),
    ])


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
        keras.layers.ReLU(),
        keras.layers.MaxPooling2D(pool_size=3, strides=2, padding="same"),
        ResnetBlock(64, 2, first_block=True),
        ResnetBlock(128, 2),
        ResnetBlock(256, 2),
        ResnetBlock(512, 2),
        keras.layers.GlobalAveragePooling2D(),
        keras.layers.Dense(10),
    ])


# %% [densenet]
def densenet():
    """DenseNet: 7x7 stem, four dense blocks of 4 convs (growth 32) with transitions that
    halve the channels, then BN, ReLU, global pooling and Dense(10)."""
    net = keras.Sequential([
        keras.layers.Conv2D(64, 7, strides=2, padding="same"),
        keras.layers.BatchNormalization(),
        keras.layers.Activation("relu"),
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
    net.add(keras.layers.Activation("relu"))
    net.add(keras.layers.GlobalAvgPool2D())
    net.add(keras.layers.Dense(10))
    return net
