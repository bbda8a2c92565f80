"""The trusted rebuild of a described model: it computes what the table claims, or says why not."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.judge.verifier import Unverifiable, rebuild_outputs

RNG = np.random.default_rng(0)
X = RNG.uniform(size=(3, 4, 2)).astype("float32")
W1, B1 = RNG.normal(size=(8, 5)), RNG.normal(size=5)
W2, B2 = RNG.normal(size=(5, 2)), RNG.normal(size=2)
TABLE = [{"class": "Flatten", "config": {}, "params": 0},
         {"class": "Dense", "config": {"units": 5, "activation": "relu"}, "params": 45},
         {"class": "Dropout", "config": {"rate": 0.5}, "params": 0},
         {"class": "Dense", "config": {"units": 2, "activation": "linear"}, "params": 12}]


def test_a_faithful_table_reproduces_the_model():
    expected = np.maximum(X.reshape(3, -1) @ W1 + B1, 0) @ W2 + B2
    np.testing.assert_allclose(rebuild_outputs(TABLE, [W1, B1, W2, B2], X), expected)


def test_a_table_that_hides_an_activation_does_not_reproduce_it():
    lying = [dict(layer) for layer in TABLE]
    lying[1] = {**lying[1], "config": {"units": 5, "activation": "linear"}}
    honest = rebuild_outputs(TABLE, [W1, B1, W2, B2], X)
    assert not np.allclose(rebuild_outputs(lying, [W1, B1, W2, B2], X), honest)


@pytest.mark.parametrize(("table", "weights", "why"), [
    ([{"class": "Conv2D", "config": {}, "params": 10}], [], "not one the verifier rebuilds"),
    ([TABLE[0], {**TABLE[1], "config": {"activation": {"class_name": "Custom"}}}],
     [W1, B1], "activation"),
    ([TABLE[0], TABLE[1]], [W1], "fewer weights"),
    (TABLE[:2], [W1, B1, W2], "belong to no layer"),
    ([TABLE[0], TABLE[3]], [W2, B2], "does not fit"),
    ([{"class": "Dropout", "config": {}, "params": 3}], [], "not one the verifier rebuilds"),
])
def test_what_it_cannot_rebuild_is_named(table, weights, why):
    with pytest.raises(Unverifiable, match=why):
        rebuild_outputs(table, weights, X)
