"""The verifier's references for 07's own blocks: what the book's blocks compute, from the
blocks' own arguments, matched to the weights a student's block declares."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.judge import verifier
from autograder.judge.verifier import Unverifiable

from grading_helpers import REPO, rebuild_and_run, variant_sections

RNG = np.random.default_rng(0)

KERNEL, BIAS = "kernel", "bias"
BN = [("gamma", "c"), ("beta", "c"), ("moving_mean", "c"), ("moving_variance", "c")]


def block_row(kind, weights, **config):
    """A ``describe`` row of a student's own block, as the runner sends it."""
    return {"class": kind, "ancestry": [f"__main__.{kind}"], "output_shape": None,
            "params": 0, "trainable_params": 0, "config": config,
            "weights": [{"name": name, "shape": list(shape)} for name, shape in weights]}


def conv(kh, kw, c_in, c_out):
    return [(KERNEL, (kh, kw, c_in, c_out)), (BIAS, (c_out,))]


def bn(channels):
    return [(name, (channels,)) for name, _ in BN]


def traced(rows, input_shape):
    return verifier.trace(verifier.parse_table(rows), input_shape)


def test_a_residual_block_takes_its_weights_in_the_order_it_created_its_sublayers():
    """bn1 created between the convs, the shortcut last: the same parts, in that order."""
    weights = [*conv(3, 3, 3, 6), *bn(6), *conv(3, 3, 6, 6), *bn(6), *conv(1, 1, 3, 6)]
    (item,) = traced([block_row("Residual", weights, num_channels=6, use_1x1conv=True,
                                strides=2)], (7, 7, 3))
    assert item.output_shape == (4, 4, 6)
    assert [(w.role, w.shape) for w in item.all_weights] == weights
    assert item.params == 3 * 3 * 3 * 6 + 6 + 3 * 3 * 6 * 6 + 6 + 3 * 6 + 6 + 4 * 6 * 2


def test_a_residual_with_zero_convolutions_is_relu_of_its_input():
    """The book's identity shortcut: conv weights 0, BN at inference on (mean 0, var 1)."""
    weights = [*conv(3, 3, 3, 3), *conv(3, 3, 3, 3), *bn(3), *bn(3)]
    layers = traced([block_row("Residual", weights, num_channels=3)], (5, 5, 3))
    values = []
    for name, shape in weights:
        fill = 1.0 if name in ("gamma", "moving_variance") else 0.0
        values.append(np.full(shape, fill, np.float32))
    x = RNG.normal(size=(2, 5, 5, 3)).astype("float32")
    np.testing.assert_allclose(verifier.run(layers, values, x), np.maximum(x, 0), atol=1e-6)


@pytest.mark.parametrize(("rows", "why"), [
    ([block_row("Residual", conv(3, 3, 2, 4) + conv(3, 3, 4, 4) + bn(4) + bn(4),
                num_channels=4)], "use_1x1conv=True"),
    ([block_row("Residual", [(KERNEL, (3, 3, 2, 2)), *conv(3, 3, 2, 2), *bn(2), *bn(2)],
                num_channels=2)], "trọng số thứ 1"),
    ([block_row("Residual", conv(3, 3, 2, 2) + conv(3, 3, 2, 2) + bn(2), num_channels=2)],
     "thiếu trọng số của các tầng con bn2"),
    ([block_row("Residual", conv(3, 3, 2, 2) * 3 + bn(2) * 2, num_channels=2)], "trọng số thứ 5"),
    ([block_row("Residual", [], name="residual")], "num_channels"),
    ([block_row("Residual", [], num_channels=2, width=3)], "width"),
    ([block_row("Inception", [], c1=2, c2=3, c3=[1, 2], c4=1)], "c2"),
    ([block_row("Residual", [], num_channels=2, use_1x1conv="yes")], "use_1x1conv"),
])
def test_a_block_unlike_the_books_is_named(rows, why):
    with pytest.raises(Unverifiable, match=why):
        traced(rows, (6, 6, 2))


def test_a_dense_block_matches_each_conv_block_by_its_channels():
    weights = [*bn(3), *conv(3, 3, 3, 4), *bn(7), *conv(3, 3, 7, 4)]
    (item,) = traced([block_row("DenseBlock", weights, num_convs=2, num_channels=4)], (5, 5, 3))
    assert item.output_shape == (5, 5, 11)
    assert item.plan is not None
    assert [path for path, index in item.plan.slots if index == 0] == [
        "conv_block1/bn", "conv_block1/conv", "conv_block2/bn", "conv_block2/conv"]


def _book_blocks(sections):
    """The 07 solution's code (its block classes), with some sections replaced."""
    import keras
    import tensorflow as tf

    from autograder.solutions import read_sections

    namespace = {"keras": keras, "tf": tf}
    code = {**read_sections(REPO / "solutions" / "07_modern_cnn.py"), **sections}
    for source in code.values():
        exec(source, namespace)  # noqa: S102 - the course's own reference and variant code
    return namespace


def _small_networks(ns):
    """Small models built from every block the verifier has a reference for."""
    import keras

    L = keras.layers
    return {
        "residual, resnet block": ((9, 9, 3), [
            L.Conv2D(4, 3, padding="same"), ns["Residual"](4),
            ns["Residual"](6, use_1x1conv=True, strides=2), ns["ResnetBlock"](5, 2),
            ns["ResnetBlock"](5, 2, first_block=True), L.GlobalAveragePooling2D()]),
        "inception": ((7, 5, 3), [
            ns["Inception"](2, (3, 4), (1, 2), 3), ns["Inception"](4, (4, 2), (2, 1), 2),
            keras.Sequential([ns["Inception"](1, (2, 2), (2, 2), 2), L.MaxPooling2D(2)])]),
        "dense, transition": ((8, 8, 3), [
            ns["DenseBlock"](2, 4), ns["TransitionBlock"](5), ns["DenseBlock"](1, 3)]),
    }


def _compare(ns, rng):
    """For each small network: (name, verifier output, Keras output) with shared weights."""
    import keras

    for name, (input_shape, layers) in _small_networks(ns).items():
        model = keras.Sequential(layers)
        x = rng.uniform(size=(2, *input_shape)).astype("float32")
        derived, ours, theirs = rebuild_and_run(model, x, rng)
        assert sum(item.params for item in derived) == model.count_params(), name
        yield name, ours, theirs


@pytest.mark.slow
@pytest.mark.parametrize("variant", [None, "correct_tf_nn_ops", "correct_keras_ops"])
def test_the_books_blocks_compute_what_keras_computes(variant):
    """The reference solution's blocks, and two correct variants that create their sublayers
    in other ways (lists of paths, Add and Concatenate layers, bn1 between the convs): truth
    from Keras, rows from the runner's own table code."""
    sections = variant_sections("07_modern_cnn", variant) if variant else {}
    for name, ours, theirs in _compare(_book_blocks(sections), np.random.default_rng(3)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5, err_msg=name)


@pytest.mark.slow
@pytest.mark.parametrize(("variant", "network"), [
    ("residual_adds_before_bn", "residual, resnet block"),
    ("residual_skips_addition", "residual, resnet block"),
    ("transition_without_pooling", "dense, transition"),
])
def test_a_block_that_computes_something_else_does_not_match(variant, network):
    ns = _book_blocks(variant_sections("07_modern_cnn", variant))
    results = {name: (ours, theirs) for name, ours, theirs in _compare(ns, RNG)}
    ours, theirs = results[network]
    assert ours.shape != theirs.shape or not np.allclose(ours, theirs, rtol=1e-3, atol=1e-3)
