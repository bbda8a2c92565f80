"""Fixtures shared by the hidden checks of 04_weight_decay (judge side only)."""

import pytest

import course_datasets


@pytest.fixture(scope="session")
def regression(judge):
    """20 training and 100 test examples in 200 dimensions; test labels stay with the judge."""
    recipe = judge.profile.recipe
    return course_datasets.synthetic.weight_decay_regression(
        int(recipe["seed"]), recipe["n_train"], recipe["n_test"], recipe["num_inputs"])
