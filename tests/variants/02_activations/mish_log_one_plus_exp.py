"""Mish with softplus written as log(1 + exp(x)): NaN gradient for large x."""
# variant: buggy
# loses: test_stable_for_large_inputs[smooth]
import keras
import tensorflow as tf


# %% [smooth]
class Swish(keras.layers.Layer):
    def call(self, inputs):
        return inputs * tf.math.sigmoid(inputs)


class Mish(keras.layers.Layer):
    def call(self, inputs):
        return inputs * tf.math.tanh(tf.math.log(1 + tf.exp(inputs)))
