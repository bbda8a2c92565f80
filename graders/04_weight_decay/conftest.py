"""Fixtures shared by the hidden checks of 04_weight_decay (judge side only)."""

import pytest

import course_datasets
from autograder.judge import trusted_training


@pytest.fixture(scope="session")
def regression(judge):
    """20 training and 100 test examples in 200 dimensions; test labels stay with the judge."""
    recipe = judge.profile.recipe
    return course_datasets.synthetic.weight_decay_regression(
        int(recipe["seed"]), recipe["n_train"], recipe["n_test"], recipe["num_inputs"])


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """Keras imports in the background while the runner starts (the judge trains build_concise)."""
    trusted_training.prewarm()
