"""Correct: stable formulas written by hand with tf.where / abs tricks, maxout by slicing."""
# variant: correct
import keras
import numpy as np
import tensorflow as tf


# %% [sigmoid_tanh]
def _stable_sigmoid(x):
    # exp only sees -|x| <= 0: never overflows.
    e = tf.exp(-tf.abs(x))
    return tf.where(x >= 0, 1 / (1 + e), e / (1 + e))


class Sigmoid(keras.layers.Layer):
    def call(self, inputs):
        return _stable_sigmoid(inputs)


class Tanh(keras.layers.Layer):
    def call(self, inputs):
        # tanh(x) = 2 sigmoid(2x) - 1
        return 2 * _stable_sigmoid(2 * inputs) - 1


# %% [relu_family]
class ReLU(keras.layers.Layer):
    def call(self, inputs):
        return tf.where(inputs > 0, inputs, tf.zeros_like(inputs))


class LeakyReLU(keras.layers.Layer):
    def __init__(self, negative_slope=0.1, **kwargs):
        super().__init__(**kwargs)
        self.negative_slope = negative_slope

    def call(self, inputs):
        return tf.where(inputs > 0, inputs, inputs * self.negative_slope)

    def get_config(self):
        return dict(super().get_config(), negative_slope=self.negative_slope)


class ELU(keras.layers.Layer):
    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs):
        return tf.where(inputs >= 0, inputs, self.alpha * (tf.exp(tf.minimum(inputs, 0.0)) - 1))

    def get_config(self):
        return dict(super().get_config(), alpha=self.alpha)


class ReLU6(keras.layers.Layer):
    def call(self, inputs):
        six = tf.fill(tf.shape(inputs), tf.constant(6, dtype=inputs.dtype))
        return tf.where(inputs >= 6, six, tf.where(inputs > 0, inputs, tf.zeros_like(inputs)))


# %% [smooth]
def _softplus(x):
    return tf.maximum(x, 0) + tf.math.log1p(tf.exp(-tf.abs(x)))


class Swish(keras.layers.Layer):
    def call(self, inputs):
        return inputs * tf.math.sigmoid(inputs)


class Mish(keras.layers.Layer):
    def call(self, inputs):
        return inputs * tf.tanh(_softplus(inputs))


# %% [maxout]
class Maxout(keras.layers.Layer):
    def __init__(self, num_units, **kwargs):
        super().__init__(**kwargs)
        self.num_units = num_units

    def build(self, input_shape):
        if input_shape[-1] % self.num_units:
            raise ValueError(f"Maxout: {input_shape[-1]} inputs cannot form {self.num_units} groups")

    def call(self, inputs):
        k = inputs.shape[-1] // self.num_units
        return tf.stack([tf.reduce_max(inputs[..., j * k:(j + 1) * k], axis=-1)
                         for j in range(self.num_units)], axis=-1)

    def get_config(self):
        return dict(super().get_config(), num_units=self.num_units)


# %% [collapse_linear]
def collapse_linear(weights, biases):
    W, b = np.asarray(weights[0], dtype=float), np.asarray(biases[0], dtype=float)
    for W_next, b_next in zip(weights[1:], biases[1:]):
        W, b = np.dot(W, W_next), np.dot(b, W_next) + b_next
    return W, b
