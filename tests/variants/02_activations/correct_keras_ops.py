"""Correct: every layer through keras.ops / keras.activations, maxout checked in call()."""
# variant: correct
import keras


# %% [sigmoid_tanh]
from keras import ops


class Sigmoid(keras.layers.Layer):
    def call(self, inputs):
        return ops.sigmoid(inputs)


class Tanh(keras.layers.Layer):
    def call(self, inputs):
        return keras.activations.tanh(inputs)


# %% [relu_family]
class ReLU(keras.layers.Layer):
    def call(self, inputs):
        return ops.relu(inputs)


class LeakyReLU(keras.layers.Layer):
    def __init__(self, negative_slope=0.1, **kwargs):
        super().__init__(**kwargs)
        self.negative_slope = negative_slope

    def call(self, inputs):
        return ops.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self):
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config


class ELU(keras.layers.Layer):
    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs):
        # x = 0 takes the x >= 0 branch (the slides): ops.elu alone gives alpha there.
        return ops.where(inputs >= 0, inputs, ops.elu(inputs, alpha=self.alpha))

    def get_config(self):
        config = super().get_config()
        config["alpha"] = self.alpha
        return config


class ReLU6(keras.layers.Layer):
    def call(self, inputs):
        return ops.relu6(inputs)


# %% [smooth]
class Swish(keras.layers.Layer):
    def call(self, inputs):
        return ops.silu(inputs)


class Mish(keras.layers.Layer):
    def call(self, inputs):
        return inputs * ops.tanh(ops.softplus(inputs))


# %% [maxout]
class Maxout(keras.layers.Layer):
    def __init__(self, num_units, **kwargs):
        super().__init__(**kwargs)
        self.num_units = num_units

    def call(self, inputs):
        size = inputs.shape[-1]
        if size % self.num_units != 0:
            raise ValueError(f"last dimension {size} is not a multiple of {self.num_units}")
        pieces = size // self.num_units
        grouped = ops.reshape(inputs, (*ops.shape(inputs)[:-1], self.num_units, pieces))
        return ops.max(grouped, axis=-1)

    def get_config(self):
        return {**super().get_config(), "num_units": self.num_units}


# %% [collapse_linear]
import functools


def collapse_linear(weights, biases):
    W = functools.reduce(lambda a, b: a @ b, weights)
    b = biases[-1]
    for i in range(len(biases) - 1):
        b = b + functools.reduce(lambda a, c: a @ c, weights[i + 1:], biases[i])
    return W, b
