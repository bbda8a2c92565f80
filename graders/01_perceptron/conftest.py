"""Fixtures shared by the hidden checks of 01_perceptron (judge side only)."""

import numpy as np
import pytest

import course_datasets
from autograder.judge import trusted_training


@pytest.fixture(scope="session")
def fashion_mnist(judge):
    """The profile's Fashion-MNIST split, scaled to [0, 1] with a channel axis (float32).

    The runner gets images (and training labels); test labels stay here.
    """
    (x_train, y_train), (x_test, y_test) = course_datasets.fashion_mnist.load_data(
        variant=judge.profile.recipe["data"])

    def prepare(images):
        return (images.astype("float32") / 255.0)[..., None]

    return (prepare(x_train), y_train.astype("int32")), (prepare(x_test), y_test.astype("int32"))


@pytest.fixture(scope="session")
def truth_tables():
    """The four inputs of a two-input gate and the AND, OR and XOR labels."""
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    return x, {"AND": np.array([0, 0, 0, 1]), "OR": np.array([0, 1, 1, 1]),
               "XOR": np.array([0, 1, 1, 0])}


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """Keras imports in the background while the runner starts (the judge computes truths with
    it and trains build_concise_mlp)."""
    trusted_training.prewarm()
