"""Partly wrong submission used by the demo: the shortcut is added before the second batch
norm, and the transition block forgets its pooling (so ResNet-18 and DenseNet, which the
judge runs with the book's blocks, do not compute what they should either)."""
# variant: buggy
# loses: test_identity_shortcut_is_added, test_projection_shortcut, test_resnet18_layers, test_transition_block_halves_height_and_width, test_densenet_layers

# %% [residual]
class Residual(keras.layers.Layer):
    def __init__(self, num_channels, use_1x1conv=False, strides=1, **kwargs):
        super().__init__(**kwargs)
        self.conv1 = keras.layers.Conv2D(num_channels, 3, strides=strides, padding="same")
        self.conv2 = keras.layers.Conv2D(num_channels, 3, padding="same")
        self.conv3 = keras.layers.Conv2D(num_channels, 1, strides=strides) if use_1x1conv else None
        self.bn1 = keras.layers.BatchNormalization()
        self.bn2 = keras.layers.BatchNormalization()

    def call(self, X, training=None):
        Y = keras.activations.relu(self.bn1(self.conv1(X), training=training))
        shortcut = self.conv3(X) if self.conv3 is not None else X
        return keras.activations.relu(self.bn2(self.conv2(Y) + shortcut, training=training))


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
