"""Hidden checks of log_rmse (cell test_log_rmse)."""

import numpy as np
import pytest
from reference import log_rmse

CELL = "test_log_rmse"


def _score(runner, labels, predictions):
    value = runner.array(runner.call("log_rmse", labels, predictions, tensors=False), "log_rmse")
    assert value.size == 1, f"log_rmse phải trả về một số, nhận được mảng kích thước {value.shape}."
    return float(value.reshape(-1)[0])


@pytest.mark.check(cell=CELL, points=1)
def test_log_rmse_formula(runner, rng):
    """log_rmse bằng sqrt(mean((log y - log ŷ)²)) và bằng 0 khi dự đoán đúng."""
    labels = rng.uniform(3e4, 8e5, size=50)
    predictions = labels * np.exp(rng.normal(0, 0.3, size=50))
    got, want = _score(runner, labels, predictions), log_rmse(labels, predictions)
    assert np.isclose(got, want, rtol=1e-6), (
        f"Với giá thật và dự đoán ngẫu nhiên, log_rmse = {got:.6g}, cần {want:.6g} "
        "(căn bậc hai của trung bình bình phương hiệu các logarit).")
    exact = _score(runner, labels, labels.copy())
    assert abs(exact) < 1e-9, f"Khi dự đoán đúng bằng giá thật, log_rmse phải bằng 0, nhận được {exact}."


@pytest.mark.check(cell=CELL, points=1)
def test_log_rmse_clips_small_predictions(runner):
    """Dự đoán nhỏ hơn 1 (kể cả số âm) được coi là 1 trước khi lấy logarit."""
    labels = np.array([1.0, 1.0, np.e, 200_000.0])
    predictions = np.array([0.5, -3.0, 0.0, 200_000.0])
    got, want = _score(runner, labels, predictions), log_rmse(labels, predictions)
    assert np.isfinite(got), (
        "log_rmse trả về NaN/vô hạn khi có dự đoán ≤ 0: hãy kẹp dự đoán về tối thiểu 1 trước khi lấy log.")
    assert np.isclose(got, want, rtol=1e-6), (
        f"Với dự đoán [0.5, -3, 0, 200000] và giá [1, 1, e, 200000], log_rmse = {got:.6g}, cần "
        f"{want:.6g}: mọi dự đoán nhỏ hơn 1 được kẹp về 1.")
