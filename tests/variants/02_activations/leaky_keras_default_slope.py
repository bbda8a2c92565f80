"""LeakyReLU defaults to Keras's slope 0.3 instead of the 0.1 the text pins (the slides' max(0.1x, x))."""
# variant: buggy
# loses: test_values[relu_family]
import keras
import tensorflow as tf


# %% [relu_family]
class ReLU(keras.layers.Layer):
    def call(self, inputs):
        return tf.nn.relu(inputs)


class LeakyReLU(keras.layers.Layer):
    def __init__(self, negative_slope=0.3, **kwargs):
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
