"""A transition block that only reduces channels: height and width never shrink."""
# variant: buggy
# loses: test_transition_block_halves_height_and_width, test_densenet_layers


# %% [dense_blocks]
class ConvBlock(keras.layers.Layer):
    def __init__(self, num_channels, **kwargs):
        super().__init__(**kwargs)
        self.bn = keras.layers.BatchNormalization()
        self.relu = keras.layers.ReLU()
        self.conv = keras.layers.Conv2D(num_channels, 3, padding="same")

    def call(self, x, training=None):
        y = self.conv(self.relu(self.bn(x, training=training)))
        return keras.ops.concatenate([x, y], axis=-1)


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

    def call(self, x, training=None):
        return self.conv(self.relu(self.bn(x, training=training)))
