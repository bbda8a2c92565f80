"""Fixtures shared by the hidden checks of 06_cnn (judge side only)."""

import pytest
from reference import NETWORKS

import course_datasets


@pytest.fixture(scope="session")
def fashion_mnist(judge):
    """The profile's Fashion-MNIST split as uint8 images; test labels stay with the judge."""
    return course_datasets.fashion_mnist.load_data(variant=judge.profile.recipe["data"])


@pytest.fixture
def layer_table(runner):
    """`layer_table(builder, batch, kwargs)`: the student's model described layer by layer,
    checked against the book's table for `builder` (see reference.NETWORKS)."""

    def describe(builder, batch, kwargs=None, network=None):
        input_shape, expected, params = NETWORKS[network or builder]
        info = runner.probe("describe", builder=builder, input_shape=[batch, *input_shape],
                            kwargs=kwargs or {})
        got = [(layer["class"], tuple(layer["output_shape"] or ())) for layer in info["layers"]]
        want = [(name, (batch, *shape)) for name, shape in expected]
        where = f"{builder}() trên đầu vào ({batch}, {', '.join(map(str, input_shape))})"
        for position, (have, need) in enumerate(zip(got, want, strict=False)):
            assert have == need, (
                f"{where}: tầng thứ {position + 1} là {have[0]} cho {have[1]}, cần {need[0]} cho "
                f"{need[1]} (NHWC: batch, cao, rộng, kênh).")
        assert len(got) == len(want), (
            f"{where} có {len(got)} tầng, cần {len(want)}: {[name for name, _ in want]}.")
        assert info["params"] == params, (
            f"{where} có {info['params']:,} tham số, cần {params:,}.")
        return info

    return describe
