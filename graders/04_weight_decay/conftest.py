"""Fixtures shared by the hidden checks of 04_weight_decay (judge side only)."""

from dataclasses import dataclass

import numpy as np
import pytest


@dataclass(frozen=True)
class Regression:
    """The book's high-dimensional linear regression; test labels stay with the judge."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    w_init: np.ndarray


@pytest.fixture(scope="session")
def regression(judge):
    """20 training and 100 test examples in 200 dimensions: y = 0.01·Σx + 0.05 + N(0, 0.01²)."""
    recipe = judge.profile.recipe
    rng = np.random.default_rng(int(recipe["seed"]))
    n_train, n_test, dims = recipe["n_train"], recipe["n_test"], recipe["num_inputs"]
    x = rng.normal(size=(n_train + n_test, dims))
    y = x @ np.full((dims, 1), 0.01) + 0.05 + rng.normal(0, 0.01, size=(n_train + n_test, 1))
    w_init = rng.normal(1.0, 1.0, size=(dims, 1))
    return Regression(x[:n_train], y[:n_train], x[n_train:], y[n_train:], w_init)
