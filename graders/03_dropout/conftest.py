"""Fixtures shared by the hidden checks of 03_dropout (judge side only)."""

import pytest

import course_datasets


@pytest.fixture(scope="session")
def fashion_mnist(judge):
    """The profile's Fashion-MNIST split: the runner gets images, labels stay here."""
    return course_datasets.fashion_mnist.load_data(variant=judge.profile.recipe["data"])
