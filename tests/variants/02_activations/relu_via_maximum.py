"""ReLU written as the book's tf.maximum(x, 0): right values, but gradient 1 at x = 0."""
# variant: buggy
# loses: test_kinks[relu_family]
import keras
import tensorflow as tf


# %% [relu_family]
class ReLU(keras.layers.Layer):
    def call(self, inputs):
        return tf.maximum(inputs, 0)


class LeakyReLU(keras.layers.Layer):
    def __init__(self, negative_slope=0.1, **kwargs):
        super().__init__(**kwargs)
        self.negative_slope = negative_slope

    def call(self, inputs):
        return tf.where(inputs > 0, inputs, self.negative_slope * inputs)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(keras.layers.Layer):
    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs):
        return tf.where(inputs >= 0, inputs, self.alpha * tf.math.expm1(tf.minimum(inputs, 0)))

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class ReLU6(keras.layers.Layer):
    def call(self, inputs):
        return tf.nn.relu6(inputs)
