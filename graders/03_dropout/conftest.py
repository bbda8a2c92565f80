"""Fixtures shared by the hidden checks of 03_dropout (judge side only)."""

import pytest

import course_datasets
from autograder.judge import trusted_training


@pytest.fixture(scope="session")
def fashion_mnist(judge):
    """The profile's Fashion-MNIST split: the runner gets images, labels stay here."""
    return course_datasets.fashion_mnist.load_data(variant=judge.profile.recipe["data"])


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """Keras imports in the background while the runner starts (the judge trains build_net)."""
    trusted_training.prewarm()
