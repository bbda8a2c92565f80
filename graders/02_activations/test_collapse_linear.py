"""Hidden checks for `collapse_linear(weights, biases)` (cell test_collapse_linear)."""

import numpy as np
import pytest

CELL = "test_collapse_linear"


@pytest.mark.check(cell=CELL, points=2)
def test_matches_the_stack(runner, rng):
    """(W, b) của collapse_linear phải cho đúng X @ W + b bằng đầu ra của cả chồng tầng tuyến tính."""
    for sizes in ((5, 7, 4, 3), (6, 2), (3, 8, 8, 8, 1)):
        weights = [rng.normal(size=(a, b)) for a, b in zip(sizes, sizes[1:], strict=False)]
        biases = [rng.normal(size=b) for b in sizes[1:]]
        result = runner.call("collapse_linear", weights, biases, tensors=False)
        assert isinstance(result, list), "collapse_linear phải trả về một cặp (W, b)."
        assert len(result) == 2, "collapse_linear phải trả về một cặp (W, b)."
        W, b = (runner.array(v, "collapse_linear") for v in result)
        assert W.shape == (sizes[0], sizes[-1]), f"W có kích thước {W.shape}, cần {(sizes[0], sizes[-1])}."
        x = rng.normal(size=(10, sizes[0]))
        h = x
        for W_i, b_i in zip(weights, biases, strict=True):
            h = h @ W_i + b_i
        assert np.allclose(x @ W + np.reshape(b, -1), h, rtol=1e-9, atol=1e-9), (
            f"Với các tầng kích thước {sizes}, X @ W + b khác đầu ra của chồng tầng "
            "(đừng quên nhân hệ số điều chỉnh của các tầng trước với các ma trận phía sau)."
        )
