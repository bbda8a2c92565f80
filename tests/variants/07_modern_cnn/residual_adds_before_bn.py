"""Adds the shortcut before the second batch norm, which then normalizes the input away (in
training mode) or rescales it by 1/sqrt(1 + epsilon) (at inference).
It also costs test_resnet18_layers: the judge runs ResNet-18 with the book's residual block,
and this network's outputs differ from it.
"""
# variant: buggy
# loses: test_identity_shortcut_is_added, test_projection_shortcut, test_resnet18_layers


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
