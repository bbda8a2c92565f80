"""Swish that casts its input to float32: a float64 layer returns float32 and loses precision."""
# variant: buggy
# loses: test_gradients[smooth], test_shape_and_dtype_preserved
import keras
import tensorflow as tf


# %% [smooth]
class Swish(keras.layers.Layer):
    def call(self, inputs):
        x = tf.cast(inputs, tf.float32)
        return x * tf.math.sigmoid(x)


class Mish(keras.layers.Layer):
    def call(self, inputs):
        return inputs * tf.math.tanh(tf.math.softplus(inputs))
