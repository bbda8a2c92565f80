"""ConvBlock returns only its new channels: the dense block forgets its input."""
# variant: buggy
# loses: test_dense_block_keeps_its_input_first, test_densenet_layers


# %% [dense_blocks]
class ConvBlock(keras.layers.Layer):
    def __init__(self, num_channels, **kwargs):
        super().__init__(**kwargs)
        self.bn = keras.layers.BatchNormalization()
        self.relu = keras.layers.ReLU()
        self.conv = keras.layers.Conv2D(num_channels, 3, padding="same")

    def call(self, x, training=None):
        return self.conv(self.relu(self.bn(x, training=training)))


class DenseBlock(keras.layers.Layer):
    def __init__(self, num_convs, num_channels, **kwargs):
        super().__init__(**kwargs)
        self.conv_blocks = [ConvBlock(num_channels) for _ in range(num_convs)]

    def call(self, x, training=None):
        for block in self.conv_blocks:
            x = block(x, training=training)
        return x


class TransitionBlock(keras.layers.Layer):
    def __init__(self, num_channels, **kwargs):
        super().__init__(**kwargs)
        self.bn = keras.layers.BatchNormalization()
        self.relu = keras.layers.ReLU()
        self.conv = keras.layers.Conv2D(num_channels, 1)
        self.pool = keras.layers.AveragePooling2D(pool_size=2, strides=2)

    def call(self, x, training=None):
        return self.pool(self.conv(self.relu(self.bn(x, training=training))))
