"""Dropout layer that ignores `training`: it also drops at prediction time."""
# variant: buggy
# loses: test_inference_is_identity
import keras


# %% [dropout_class]
class Dropout(keras.layers.Layer):
    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs, training=None):
        return dropout_layer(inputs, self.rate)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}
