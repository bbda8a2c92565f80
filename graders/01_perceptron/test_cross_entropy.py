"""Hidden checks for cross_entropy(logits, y) (cell test_cross_entropy)."""

import numpy as np
import pytest

CELL = "test_cross_entropy"


def _reference(logits, y):
    """log-sum-exp minus the label's logit, in float64 (finite for any logits)."""
    top = logits.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(logits - top).sum(axis=1)) + top[:, 0]
    return log_sum - logits[np.arange(len(y)), y]


def _keras(logits, y):
    """Keras's own per-example loss, computed here in the judge (float64)."""
    import keras

    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction=None,
                                                      dtype="float64")
    return np.asarray(loss(y, logits))


@pytest.mark.check(cell=CELL, points=1)
def test_matches_keras(runner, rng):
    """cross_entropy phải trả về mất mát của từng ví dụ, bằng SparseCategoricalCrossentropy(from_logits=True) của Keras (sai số ≤ 1e-6)."""
    logits = rng.normal(0, 3, size=(20, 10))
    y = rng.integers(0, 10, size=20).astype("int32")
    out = runner.array(runner.call("cross_entropy", logits, y), "cross_entropy")
    assert out.shape == (20,), (
        f"cross_entropy trả về kích thước {out.shape}, cần (20,): một giá trị cho mỗi ví dụ."
    )
    expected = _keras(logits, y)
    assert np.allclose(out, expected, rtol=0, atol=1e-6), (
        "cross_entropy khác SparseCategoricalCrossentropy(from_logits=True) của Keras "
        f"(lệch tối đa {np.max(np.abs(out - expected)):.3g})."
    )


@pytest.mark.check(cell=CELL, points=1)
def test_stable_for_large_logits(runner):
    """Với logits cỡ ±1000, cross_entropy vẫn phải hữu hạn và đúng (không tính exp của số lớn)."""
    logits = np.array([[1000.0, -1000.0, 0.0], [-1000.0, -1000.0, 1000.0],
                       [500.0, 1000.0, -1000.0]])
    y = np.array([1, 2, 0], dtype="int32")
    out = runner.array(runner.call("cross_entropy", logits, y), "cross_entropy")
    assert np.all(np.isfinite(out)), f"cross_entropy cho {out} với logits ±1000: bị tràn số."
    assert np.allclose(out, _reference(logits, y), rtol=1e-9, atol=1e-6), (
        f"cross_entropy với logits ±1000 cho {out}, cần {_reference(logits, y)}."
    )
