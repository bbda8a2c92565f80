"""The relu family written as the HUST slides write it: max(0.1x, x) and ELU split at x >= 0."""
# variant: correct
import keras
import tensorflow as tf


# %% [relu_family]
class ReLU(keras.layers.Layer):
    def call(self, inputs):
        return tf.nn.relu(inputs)


class LeakyReLU(keras.layers.Layer):
    def __init__(self, negative_slope=0.1, **kwargs):
        super().__init__(**kwargs)
        self.negative_slope = negative_slope

    def call(self, inputs):
        # The slides' max(0.1x, x): at x = 0 tf.maximum passes the gradient to its first
        # argument, the slope, which is the convention.
        return tf.maximum(self.negative_slope * inputs, inputs)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(keras.layers.Layer):
    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs):
        # The slides' case split, x >= 0 first.
        negative = self.alpha * (tf.exp(tf.minimum(inputs, 0.0)) - 1.0)
        return tf.where(inputs >= 0, inputs, negative)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class ReLU6(keras.layers.Layer):
    def call(self, inputs):
        return tf.nn.relu6(inputs)
