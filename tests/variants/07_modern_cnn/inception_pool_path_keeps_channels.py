"""The fourth Inception path stops at the max pooling: it passes all input channels through
instead of c4, so every block's channel count (and GoogLeNet's shapes) is wrong."""
# variant: buggy
# loses: test_inception_channels_and_parameters, test_googlenet_layers


# %% [inception]
class Inception(keras.layers.Layer):
    def __init__(self, c1, c2, c3, c4, **kwargs):
        super().__init__(**kwargs)
        self.p1_1 = keras.layers.Conv2D(c1, 1, activation="relu")
        self.p2_1 = keras.layers.Conv2D(c2[0], 1, activation="relu")
        self.p2_2 = keras.layers.Conv2D(c2[1], 3, padding="same", activation="relu")
        self.p3_1 = keras.layers.Conv2D(c3[0], 1, activation="relu")
        self.p3_2 = keras.layers.Conv2D(c3[1], 5, padding="same", activation="relu")
        self.p4_1 = keras.layers.MaxPooling2D(3, strides=1, padding="same")

    def call(self, x):
        return keras.ops.concatenate(
            [self.p1_1(x), self.p2_2(self.p2_1(x)), self.p3_2(self.p3_1(x)), self.p4_1(x)], axis=-1)
