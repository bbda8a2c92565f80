"""Fixtures shared by the hidden checks of 07_modern_cnn (judge side only)."""

import pytest
from reference import NETWORKS

import course_datasets
from autograder.judge import trusted_training
from autograder.judge.layer_tables import check_layer_table


@pytest.fixture(scope="session")
def fashion_mnist(judge):
    """The profile's Fashion-MNIST split as uint8 images; test labels stay with the judge."""
    return course_datasets.fashion_mnist.load_data(variant=judge.profile.recipe["data"])


@pytest.fixture
def layer_table(runner, rng):
    """`layer_table(builder, kwargs)`: one model from the student's `builder`, checked layer
    by layer against the book's table (reference.NETWORKS) for batch sizes 1 and 3, with the
    shapes and parameter count the judge's verifier derives, and the model's outputs on the
    judge's weights and inputs compared with the verifier's. ResNet, GoogLeNet and DenseNet
    are made of the student's own blocks; the verifier runs them as the book defines them
    (autograder/judge/blocks.py), so a match also proves the student's blocks."""

    def describe(builder, kwargs=None):
        input_shape, expected, params = NETWORKS[builder]
        return check_layer_table(runner, builder, (1, 3), input_shape, expected, params, kwargs,
                                 rng=rng)

    return describe


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """Keras imports in the background while the runner starts (the judge trains BN-LeNet)."""
    trusted_training.prewarm()
