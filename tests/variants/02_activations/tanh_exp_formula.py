"""tanh from its exp definition: inf / inf = NaN for |x| large."""
# variant: buggy
# loses: test_stable_for_large_inputs[sigmoid_tanh]
import keras
import tensorflow as tf


# %% [sigmoid_tanh]
class Sigmoid(keras.layers.Layer):
    def call(self, inputs):
        return tf.math.sigmoid(inputs)


class Tanh(keras.layers.Layer):
    def call(self, inputs):
        return (tf.exp(inputs) - tf.exp(-inputs)) / (tf.exp(inputs) + tf.exp(-inputs))
