"""Fixtures shared by the hidden checks of 06_cnn (judge side only)."""

import pytest
from reference import NETWORKS

import course_datasets
from autograder.judge import trusted_training
from autograder.judge.layer_tables import check_layer_table


@pytest.fixture(scope="session")
def fashion_mnist(judge):
    """The profile's Fashion-MNIST split as uint8 images; test labels stay with the judge."""
    return course_datasets.fashion_mnist.load_data(variant=judge.profile.recipe["data"])


#: A smaller instance of the same builder for the value check, where the book's model has
#: too many weights to send (VGG-11: 128.8 M): five blocks, eight channels, same head.
VERIFY_KWARGS = {"vgg": {"conv_arch": [[1, 8], [1, 8], [2, 8], [2, 8], [2, 8]]}}


@pytest.fixture
def layer_table(runner, rng):
    """`layer_table(builder, kwargs)`: one model from the student's `builder`, checked layer
    by layer against the book's table (reference.NETWORKS) for batch sizes 1 and 3, with the
    shapes and parameter count the judge's verifier derives, and the model's outputs on the
    judge's weights and inputs compared with the verifier's."""

    def describe(builder, kwargs=None):
        input_shape, expected, params = NETWORKS[builder]
        return check_layer_table(runner, builder, (1, 3), input_shape, expected, params, kwargs,
                                 rng=rng, verify_kwargs=VERIFY_KWARGS.get(builder))

    return describe


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """Keras imports in the background while the runner starts (the judge trains LeNet, VGG)."""
    trusted_training.prewarm()
