"""Reference solution for assignment 02_activations: activation functions as Keras layers.

Follows d2l v0.17 §4.1 (activation functions) and the course slides, in Keras 3.
Each layer works elementwise in the layer's own dtype, stays finite for large
|x|, and has the documented gradient at its kinks (the convention of
`tf.nn.relu`, `tf.nn.leaky_relu`, `tf.nn.elu` and `tf.nn.relu6`).
"""
import keras
import numpy as np
import tensorflow as tf


# %% [sigmoid_tanh]
class Sigmoid(keras.layers.Layer):
    """sigmoid(x) = 1 / (1 + exp(-x)), computed without overflow for any x."""

    def call(self, inputs):
        return tf.math.sigmoid(inputs)


class Tanh(keras.layers.Layer):
    """tanh(x) = (1 - exp(-2x)) / (1 + exp(-2x)), computed without overflow for any x."""

    def call(self, inputs):
        return tf.math.tanh(inputs)


# %% [relu_family]
class ReLU(keras.layers.Layer):
    """relu(x) = max(x, 0); gradient 0 at x = 0."""

    def call(self, inputs):
        return tf.nn.relu(inputs)


class LeakyReLU(keras.layers.Layer):
    """leaky_relu(x) = max(negative_slope * x, x) (the slides: max(0.1x, x));
    gradient negative_slope at 0.

    Args:
        negative_slope: slope for x <= 0 (default 0.1, as in the slides).
    """

    def __init__(self, negative_slope=0.1, **kwargs):
        super().__init__(**kwargs)
        self.negative_slope = negative_slope

    def call(self, inputs):
        return tf.where(inputs > 0, inputs, self.negative_slope * inputs)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(keras.layers.Layer):
    """elu(x) = x if x >= 0 else alpha * (exp(x) - 1) (the slides); gradient 1 at 0.

    Args:
        alpha: scale of the negative part (default 1.0).
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs):
        # exp only ever sees x <= 0: no overflow, and no inf * 0 = NaN in the gradient.
        negative = tf.minimum(inputs, 0)
        return tf.where(inputs >= 0, inputs, self.alpha * tf.math.expm1(negative))

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class ReLU6(keras.layers.Layer):
    """relu6(x) = min(max(x, 0), 6); gradient 0 at x = 0 and at x = 6."""

    def call(self, inputs):
        return tf.nn.relu6(inputs)


# %% [smooth]
class Swish(keras.layers.Layer):
    """swish(x) = x * sigmoid(x) (also called SiLU)."""

    def call(self, inputs):
        return inputs * tf.math.sigmoid(inputs)


class Mish(keras.layers.Layer):
    """mish(x) = x * tanh(softplus(x)), softplus(x) = log(1 + exp(x)) computed stably."""

    def call(self, inputs):
        return inputs * tf.math.tanh(tf.math.softplus(inputs))


# %% [maxout]
class Maxout(keras.layers.Layer):
    """Maxout over groups of the last axis: (..., num_units * k) -> (..., num_units).

    Unit j takes the maximum of the k consecutive inputs j*k, ..., j*k + k - 1.

    Args:
        num_units: number of output units; the last input dimension must be a
            multiple of it.

    Raises:
        ValueError: when the last input dimension is not a multiple of num_units.
    """

    def __init__(self, num_units, **kwargs):
        super().__init__(**kwargs)
        self.num_units = num_units

    def build(self, input_shape):
        if input_shape[-1] is None or input_shape[-1] % self.num_units:
            raise ValueError(
                f"Maxout({self.num_units}) needs a last input dimension divisible by "
                f"{self.num_units}. Received: input_shape={tuple(input_shape)}"
            )

    def call(self, inputs):
        pieces = inputs.shape[-1] // self.num_units
        grouped = tf.reshape(inputs, tf.concat([tf.shape(inputs)[:-1],
                                                [self.num_units, pieces]], axis=0))
        return tf.reduce_max(grouped, axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.num_units)

    def get_config(self):
        return {**super().get_config(), "num_units": self.num_units}


# %% [collapse_linear]
def collapse_linear(weights, biases):
    """Collapse a stack of linear layers h <- h @ W_i + b_i into one layer X @ W + b.

    Args:
        weights: list of matrices W_1 (d0, d1), W_2 (d1, d2), ...
        biases: list of vectors b_1 (d1,), b_2 (d2,), ...

    Returns:
        `(W, b)` with W of shape (d0, dL) and b of shape (dL,), such that the
        stack computes exactly X @ W + b for every X.
    """
    W = np.eye(np.shape(weights[0])[0])
    b = np.zeros(np.shape(weights[0])[0])
    for W_i, b_i in zip(weights, biases):
        # (X W + b) W_i + b_i = X (W W_i) + (b W_i + b_i)
        W = W @ np.asarray(W_i)
        b = b @ np.asarray(W_i) + np.asarray(b_i)
    return W, b
