"""Reference activations for the hidden checks of 02_activations (judge side only, imported by the checks).

Each entry: how the judge builds the student's layer, the reference formula in
float64 NumPy (stable for large |x|), and the documented gradient at kinks.
"""

import numpy as np


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _softplus(x):
    return np.log1p(np.exp(-np.abs(x))) + np.maximum(x, 0)


def leaky_relu(x, negative_slope):
    """max(negative_slope x, x) for a slope below 1 (the slides: max(0.1x, x))."""
    return np.where(x > 0, x, negative_slope * x)


def elu(x, alpha):
    """The slides' case split: x for x >= 0 (so f'(0) = 1), alpha (e^x - 1) below."""
    return np.where(x >= 0, x, alpha * np.expm1(np.minimum(x, 0)))


def maxout(x, num_units):
    return x.reshape(*x.shape[:-1], num_units, x.shape[-1] // num_units).max(axis=-1)


#: layer name → (constructor kwargs used by the checks, reference f(x), [(x, f'(x)) at kinks]).
ACTIVATIONS = {
    "Sigmoid": ({}, _sigmoid, []),
    "Tanh": ({}, np.tanh, []),
    "ReLU": ({}, lambda x: np.maximum(x, 0), [(0.0, 0.0)]),
    "LeakyReLU": ({"negative_slope": 0.2}, lambda x: leaky_relu(x, 0.2), [(0.0, 0.2)]),
    "ELU": ({"alpha": 0.5}, lambda x: elu(x, 0.5), [(0.0, 1.0)]),
    "ReLU6": ({}, lambda x: np.clip(x, 0, 6), [(0.0, 0.0), (6.0, 0.0)]),
    "Swish": ({}, lambda x: x * _sigmoid(x), []),
    "Mish": ({}, lambda x: x * np.tanh(_softplus(x)), []),
}

#: Layers whose defaults the text pins: name → reference f(x) with the default arguments.
DEFAULTS = {
    "LeakyReLU": lambda x: leaky_relu(x, 0.1),
    "ELU": lambda x: elu(x, 1.0),
}

#: Layers with a hyperparameter: name → (its constructor keyword, reference f(x, value),
#: the range the checks draw a value from). Maxout's values divide the checks' width, 8.
HYPERPARAMETERS = {
    "LeakyReLU": ("negative_slope", leaky_relu, (0.05, 0.95)),
    "ELU": ("alpha", elu, (0.2, 2.0)),
    "Maxout": ("num_units", maxout, (1, 2, 4, 8)),
}

#: notebook cell → the layers it defines (test cell id is "test_" + group).
GROUPS = {
    "sigmoid_tanh": ["Sigmoid", "Tanh"],
    "relu_family": ["ReLU", "LeakyReLU", "ELU", "ReLU6"],
    "smooth": ["Swish", "Mish"],
}

#: Points where the activation is not differentiable (gradient checks stay away).
KINKS = (0.0, 6.0)


def rel_error(a, b):
    """CS231n's relative error, elementwise max: |a - b| / max(1e-8, |a| + |b|)."""
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
