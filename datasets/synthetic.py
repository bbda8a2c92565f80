"""The book's synthetic high-dimensional linear regression (d2l §4.5), drawn from a seed.

Used by the 04_weight_decay judge and by ``benchmarks/measure_thresholds.py``, so
that thresholds are measured on exactly the data the checks use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Regression", "weight_decay_regression"]


@dataclass(frozen=True)
class Regression:
    """Training and test split, plus the book's initial weights w ~ N(1, 1)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    w_init: np.ndarray


def weight_decay_regression(seed: int, n_train: int = 20, n_test: int = 100,
                            num_inputs: int = 200) -> Regression:
    """y = 0.01·Σx + 0.05 + N(0, 0.01²) with x ~ N(0, 1), all float64 of shape (n, 1) for y."""
    rng = np.random.default_rng(seed)
    n = n_train + n_test
    x = rng.normal(size=(n, num_inputs))
    y = x @ np.full((num_inputs, 1), 0.01) + 0.05 + rng.normal(0, 0.01, size=(n, 1))
    w_init = rng.normal(1.0, 1.0, size=(num_inputs, 1))
    return Regression(x[:n_train], y[:n_train], x[n_train:], y[n_train:], w_init)
