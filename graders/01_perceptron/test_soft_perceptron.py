"""Hidden checks for the soft (sigmoid) perceptron (cell test_soft_perceptron)."""

import numpy as np
import pytest

CELL = "test_soft_perceptron"


def _bce(w, b, X, y):
    z = X @ w + b
    # -[y log σ(z) + (1 - y) log(1 - σ(z))] = log(1 + e^z) - y z, computed stably.
    return np.mean(np.logaddexp(0, z) - y * z)


def _descend(X, y, lr, epochs):
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        residual = 1 / (1 + np.exp(-(X @ w + b))) - y
        w, b = w - lr * X.T @ residual / len(y), b - lr * residual.mean()
    return w, b


def _data(rng):
    X = rng.normal(size=(40, 3))
    y = (X @ np.array([1.5, -2.0, 0.5]) + 0.3 + rng.normal(0, 0.5, size=40) > 0).astype(float)
    return X, y


@pytest.mark.check(cell=CELL, points=1)
def test_bce_loss_value(runner, rng):
    """bce_loss phải là entropy chéo nhị phân trung bình của sigmoid(Xw + b) (float64)."""
    X, y = _data(rng)
    w, b = rng.normal(size=3), np.float64(rng.normal())
    value = runner.array(runner.call("bce_loss", w, b, X, y), "bce_loss")
    expected = _bce(w, b, X, y)
    assert value.shape == (), f"bce_loss phải trả về một số vô hướng, nhận được shape {value.shape}."
    assert np.isclose(value, expected, rtol=1e-7, atol=1e-10), (
        f"bce_loss = {float(value):.8g}, cần {expected:.8g} (trung bình trên các ví dụ, không phải tổng)."
    )


@pytest.mark.check(cell=CELL, points=2)
def test_gradient_descent_path(runner, rng):
    """train_soft_perceptron phải đi đúng các bước hạ gradient toàn bộ dữ liệu, xuất phát từ w = 0, b = 0."""
    X, y = _data(rng)
    for epochs in (1, 30):
        result = runner.call("train_soft_perceptron", X, y, 0.5, epochs, tensors=False)
        assert isinstance(result, list), "train_soft_perceptron phải trả về một cặp (w, b)."
        assert len(result) == 2, "train_soft_perceptron phải trả về một cặp (w, b)."
        w, b = (runner.array(v, "train_soft_perceptron") for v in result)
        expected_w, expected_b = _descend(X, y, 0.5, epochs)
        assert w.reshape(-1).shape == (3,), f"w phải có 3 phần tử, nhận được kích thước {w.shape}."
        same = (np.allclose(w.reshape(-1), expected_w, rtol=1e-5, atol=1e-7)
                and np.allclose(float(np.reshape(b, -1)[0]), expected_b, rtol=1e-5, atol=1e-7))
        assert same, (
            f"Sau {epochs} bước với lr = 0.5: w = {np.round(w.reshape(-1), 6)}, b = {np.round(b, 6)}; "
            f"cần w = {np.round(expected_w, 6)}, b = {expected_b:.6f}."
        )
