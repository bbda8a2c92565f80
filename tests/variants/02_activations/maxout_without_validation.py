"""Maxout that never checks divisibility: a non-divisible input fails inside reshape, not with ValueError."""
# variant: buggy
# loses: test_rejects_indivisible_input
import keras
import tensorflow as tf


# %% [maxout]
class Maxout(keras.layers.Layer):
    def __init__(self, num_units, **kwargs):
        super().__init__(**kwargs)
        self.num_units = num_units

    def call(self, inputs):
        pieces = inputs.shape[-1] // self.num_units
        shape = tf.concat([tf.shape(inputs)[:-1], [self.num_units, pieces]], axis=0)
        return tf.reduce_max(tf.reshape(inputs, shape), axis=-1)

    def get_config(self):
        return {**super().get_config(), "num_units": self.num_units}
