"""Hidden checks of get_k_fold_data (cell test_k_fold)."""

import numpy as np
import pytest

from autograder.judge.client import StudentCodeError

CELL = "test_k_fold"


@pytest.mark.check(cell=CELL, points=2)
def test_folds_are_contiguous_blocks(runner):
    """Phần kiểm định thứ i là khối hàng liền nhau thứ i; các phần rời nhau và phủ k·(n // k) hàng."""
    for n, k in ((23, 5), (20, 4), (1460, 5)):
        fold = n // k
        X = np.stack([np.arange(n), -np.arange(n)], axis=1).astype("float64")
        y = np.arange(n, dtype="float64") * 10
        for i in range(k):
            result = runner.call("get_k_fold_data", k, i, X, y, tensors=False)
            assert isinstance(result, list), "get_k_fold_data phải trả về (X_train, y_train, X_valid, y_valid)."
            assert len(result) == 4, "get_k_fold_data phải trả về (X_train, y_train, X_valid, y_valid)."
            X_train, y_train, X_valid, y_valid = (
                runner.array(part, "get_k_fold_data") for part in result)
            valid_rows = list(range(i * fold, (i + 1) * fold))
            train_rows = [r for r in range(k * fold) if r not in valid_rows]
            where = f"(n = {n}, k = {k}, i = {i})"
            assert np.array_equal(X_valid, X[valid_rows]), (
                f"Phần kiểm định {where} phải là các hàng [{i * fold}, {(i + 1) * fold}) của X và y.")
            assert np.array_equal(y_valid, y[valid_rows]), (
                f"Phần kiểm định {where} phải là các hàng [{i * fold}, {(i + 1) * fold}) của X và y.")
            for got, want in ((X_train, X[train_rows]), (y_train, y[train_rows])):
                assert np.array_equal(got, want), (
                    f"Phần huấn luyện {where} phải là k - 1 khối còn lại, theo thứ tự hàng, không "
                    "trùng phần kiểm định (và bỏ n % k hàng cuối).")


@pytest.mark.check(cell=CELL, points=1)
def test_rejects_k_below_two(runner):
    """get_k_fold_data báo ValueError khi k < 2 (không có gì để kiểm định chéo)."""
    error = None
    try:
        runner.call("get_k_fold_data", 1, 0, np.zeros((10, 2)), np.zeros(10), tensors=False)
    except StudentCodeError as raised:
        error = raised.type
    assert error is not None, "Với k = 1, get_k_fold_data phải báo ValueError nhưng không báo lỗi nào."
    assert error == "ValueError", f"Với k = 1, get_k_fold_data báo {error} thay vì ValueError."
