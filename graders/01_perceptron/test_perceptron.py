"""Hidden checks for the step perceptron (cell test_perceptron)."""

import numpy as np
import pytest

CELL = "test_perceptron"


def _pair(runner, result, what):
    assert isinstance(result, list), f"{what} phải trả về một cặp (w, b)."
    assert len(result) == 2, f"{what} phải trả về một cặp (w, b)."
    w, b = (runner.array(v, what) for v in result)
    return w.astype(float).reshape(-1), float(np.reshape(b, -1)[0])


@pytest.mark.check(cell=CELL, points=1)
def test_predict_fires_at_zero(runner, rng):
    """perceptron_predict phải trả về 1 khi Xw + b ≥ 0 (kể cả đúng bằng 0, như slide bài giảng) và 0 khi Xw + b < 0."""
    X = rng.integers(-2, 3, size=(60, 3)).astype(float)
    w = rng.integers(-2, 3, size=3).astype(float)
    w[2] = rng.choice([-2.0, -1.0, 1.0, 2.0])
    b = float(rng.integers(-2, 3))
    # Whatever the draw, the first 10 rows sit exactly on z = 0 (integers and halves are
    # exact in float64), so a step that does not fire at 0 is always caught.
    X[:10, 2] = -(b + X[:10, :2] @ w[:2]) / w[2]
    out = runner.array(runner.call("perceptron_predict", X, w, b, tensors=False),
                       "perceptron_predict")
    z = X @ w + b
    expected = (z >= 0).astype(int)
    assert out.shape == (60,), f"perceptron_predict trả về kích thước {out.shape}, cần (60,)."
    wrong = np.flatnonzero(out.astype(int) != expected)
    assert wrong.size == 0, (
        f"Sai ở {wrong.size} ví dụ; ví dụ đầu tiên có Xw + b = {z[wrong[0]]:g}, dự đoán "
        f"{out[wrong[0]]}, cần {expected[wrong[0]]} (bước nhảy: 1 khi z ≥ 0, 0 khi z < 0)."
    )


@pytest.mark.check(cell=CELL, points=1)
def test_update_rule(runner, rng):
    """perceptron_update phải cộng lr·(y − ŷ)·x vào w và lr·(y − ŷ) vào b, và giữ nguyên khi đoán đúng."""
    lr = 0.5
    x = rng.uniform(0.5, 1.5, size=3)
    for w, b, y, label in ((np.zeros(3), -1.0, 1, "dương bị đoán sai"),
                           (np.ones(3), 1.0, 0, "âm bị đoán sai"),
                           (np.ones(3), 1.0, 1, "đã đoán đúng")):
        y_hat = int(x @ w + b >= 0)
        new_w, new_b = _pair(runner, runner.call("perceptron_update", w, b, x, y, lr,
                                                 tensors=False), "perceptron_update")
        assert np.allclose(new_w, w + lr * (y - y_hat) * x), (
            f"Ví dụ {label}: w mới là {new_w}, cần w + lr·(y − ŷ)·x = {w + lr * (y - y_hat) * x}."
        )
        assert np.isclose(new_b, b + lr * (y - y_hat)), (
            f"Ví dụ {label}: b mới là {new_b:g}, cần b + lr·(y − ŷ) = {b + lr * (y - y_hat):g}."
        )


@pytest.mark.check(cell=CELL, points=1)
def test_learns_and_or(runner, truth_tables):
    """train_perceptron phải học được AND và OR (tách được tuyến tính): đúng cả 4 điểm."""
    x, labels = truth_tables
    for gate in ("AND", "OR"):
        w, b = _pair(runner, runner.call("train_perceptron", x, labels[gate], tensors=False),
                     "train_perceptron")
        predictions = (x @ w + b >= 0).astype(int)
        assert np.array_equal(predictions, labels[gate]), (
            f"Sau train_perceptron trên {gate}: w = {w}, b = {b:g} dự đoán {predictions.tolist()}, "
            f"cần {labels[gate].tolist()}."
        )


@pytest.mark.check(cell=CELL, points=1)
def test_stops_on_xor(runner, truth_tables):
    """Trên XOR (không tách được tuyến tính), train_perceptron phải dừng sau max_epochs và trả về (w, b)."""
    x, labels = truth_tables
    w, b = _pair(runner, runner.call("train_perceptron", x, labels["XOR"], max_epochs=50,
                                     tensors=False), "train_perceptron")
    assert w.shape == (2,), f"w phải có kích thước (2,), nhận được {w.shape}."
    assert np.isfinite(b), "b phải là một số hữu hạn."
