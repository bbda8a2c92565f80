"""Hidden checks for xor_mlp_params (cell test_xor)."""

import numpy as np
import pytest

CELL = "test_xor"


@pytest.mark.check(cell=CELL, points=2)
def test_mlp_solves_xor(runner, truth_tables):
    """Mạng 2-2-1 với tham số từ xor_mlp_params phải tính đúng XOR trên cả 4 điểm."""
    x, labels = truth_tables
    result = runner.call("xor_mlp_params", tensors=False)
    assert isinstance(result, list), "xor_mlp_params phải trả về (W1, b1, W2, b2)."
    assert len(result) == 4, "xor_mlp_params phải trả về (W1, b1, W2, b2)."
    W1, b1, W2, b2 = (runner.array(v, "xor_mlp_params").astype("float64") for v in result)
    shapes = [W1.shape, b1.reshape(-1).shape, W2.reshape(2, -1).shape, b2.reshape(-1).shape]
    assert shapes == [(2, 2), (2,), (2, 1), (1,)], (
        f"Kích thước tham số là {[W1.shape, b1.shape, W2.shape, b2.shape]}, cần "
        "W1 (2, 2), b1 (2,), W2 (2, 1), b2 (1,)."
    )
    logits = np.maximum(x @ W1 + b1.reshape(-1), 0) @ W2.reshape(2, 1) + b2.reshape(-1)
    predictions = (logits[:, 0] > 0).astype(int)
    assert np.array_equal(predictions, labels["XOR"]), (
        f"Mạng của bạn dự đoán {predictions.tolist()} trên (0,0), (0,1), (1,0), (1,1); XOR là "
        "[0, 1, 1, 0]."
    )
