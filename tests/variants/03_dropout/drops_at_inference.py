"""Dropout layer that ignores `training`: it also drops at prediction time.

It also costs test_architecture and test_trained_accuracy: the judge rebuilds build_net from
its layer table with dropout as the identity at inference, and this network's outputs differ
from that, so the judge cannot prove the layers it would train are the student's network.
"""
# variant: buggy
# loses: test_inference_is_identity, test_architecture, test_trained_accuracy
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
