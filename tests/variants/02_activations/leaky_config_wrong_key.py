"""LeakyReLU whose get_config stores the slope under another key: from_config cannot rebuild it."""
# variant: buggy
# loses: test_config_round_trip, test_saved_and_reloaded_model
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
        return tf.where(inputs > 0, inputs, self.negative_slope * inputs)

    def get_config(self):
        config = super().get_config()
        config.update({"slope": self.negative_slope})
        return config


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
