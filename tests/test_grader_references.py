"""The judges' own ground truths agree with the Keras layers they stand in for.

Graders compute expected values in NumPy so that the truth never comes from the
runner; these tests pin that NumPy to Keras itself.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest


def _reference(layout, assignment: str):
    path = Path(layout.grader_dir(assignment)) / "reference.py"
    spec = importlib.util.spec_from_file_location(f"reference_{assignment}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_batch_norm_reference_is_keras_batch_normalization(layout):
    """07's NumPy batch norm equals keras.layers.BatchNormalization(momentum=0.9, epsilon=eps)
    in training and inference mode, moving statistics included, from any starting moving
    statistics and for the epsilons the checks and the book use."""
    keras = pytest.importorskip("keras")
    reference = _reference(layout, "07_modern_cnn")
    rng = np.random.default_rng(0)
    xs = [rng.normal(loc=1.0, scale=2.0, size=(5, 3, 3, 3)) for _ in range(3)]
    gamma, beta = rng.normal(size=3), rng.normal(size=3)
    start = [gamma, beta, rng.normal(size=3), rng.uniform(0.5, 2.0, 3)]
    for eps in (1e-3, 1e-12):
        layer = keras.layers.BatchNormalization(momentum=0.9, epsilon=eps, dtype="float64")
        layer(xs[0])
        layer.set_weights(start)
        got = [np.asarray(layer(x, training=t))
               for x, t in zip(xs, (True, True, False), strict=True)]
        want, mean, var = reference.batch_norm_run(xs, [True, True, False], *start, eps=eps)
        for g, w in zip(got, want, strict=True):
            np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(layer.moving_mean.numpy(), mean, rtol=1e-12)
        np.testing.assert_allclose(layer.moving_variance.numpy(), var, rtol=1e-12)


@pytest.mark.slow
def test_conv_reference_is_keras_conv2d(layout):
    """06's NumPy convolution equals keras.layers.Conv2D (valid, stride 1, no bias), and its
    pooling equals MaxPooling2D / AveragePooling2D with stride 1."""
    keras = pytest.importorskip("keras")
    reference = _reference(layout, "06_cnn")
    rng = np.random.default_rng(1)
    x, kernel = rng.normal(size=(7, 6, 3)), rng.normal(size=(3, 2, 3, 4))
    conv = keras.layers.Conv2D(4, (3, 2), use_bias=False, dtype="float64")
    conv.build((None, 7, 6, 3))
    conv.kernel.assign(kernel)
    np.testing.assert_allclose(reference.conv2d(x, kernel), np.asarray(conv(x[None]))[0],
                               rtol=1e-12, atol=1e-12)
    image = rng.normal(size=(6, 7))
    for mode, layer in (("max", keras.layers.MaxPooling2D), ("avg", keras.layers.AveragePooling2D)):
        pooled = layer(pool_size=(2, 3), strides=1, dtype="float64")(image[None, :, :, None])
        np.testing.assert_allclose(reference.pool2d(image, (2, 3), mode),
                                   np.asarray(pooled)[0, :, :, 0], rtol=1e-12)
