"""Hidden checks for `dropout_layer(X, dropout)` (cell test_dropout_layer)."""

import numpy as np
import pytest

CELL = "test_dropout_layer"


def _binomial_tolerance(p, n):
    """Six standard deviations of a drop fraction over n independent elements."""
    return 6 * np.sqrt(p * (1 - p) / n)


@pytest.mark.check(cell=CELL, points=1)
def test_keeps_shape_and_dtype(runner, rng):
    """dropout_layer phải giữ nguyên kích thước và kiểu dữ liệu (float32, float64) của X."""
    for shape, dtype in (((7, 13), "float32"), ((2, 5, 6, 3), "float64")):
        x = rng.uniform(1, 2, size=shape).astype(dtype)
        out = runner.array(runner.call("dropout_layer", x, 0.5), "dropout_layer")
        assert out.shape == x.shape, f"Đầu vào có kích thước {x.shape} nhưng đầu ra là {out.shape}."
        assert out.dtype == x.dtype, f"Đầu vào kiểu {x.dtype} nhưng đầu ra kiểu {out.dtype}."


@pytest.mark.check(cell=CELL, points=1)
def test_p0_identity_and_p1_zeros(runner, rng):
    """Với p = 0 đầu ra phải bằng đúng X; với p = 1 đầu ra phải toàn số 0 (không NaN)."""
    x = rng.normal(size=(16, 32)).astype("float32")
    same = runner.array(runner.call("dropout_layer", x, 0.0), "dropout_layer(X, 0)")
    assert np.array_equal(same, x), "dropout_layer(X, 0) không trả lại đúng X."
    zeros = runner.array(runner.call("dropout_layer", x, 1.0), "dropout_layer(X, 1)")
    assert not np.isnan(zeros).any(), "dropout_layer(X, 1) sinh ra NaN (chia cho 1 - p = 0?)."
    assert np.array_equal(zeros, np.zeros_like(x)), "dropout_layer(X, 1) phải trả về toàn số 0."


@pytest.mark.check(cell=CELL, points=1)
def test_survivors_are_scaled(runner, rng):
    """Phần tử được giữ lại phải bằng đúng X / (1 - p) (inverted dropout)."""
    x = rng.uniform(1, 2, size=(200, 50)).astype("float32")
    for p in (0.3, 0.5):
        out = runner.array(runner.call("dropout_layer", x, p), "dropout_layer")
        kept = out != 0
        assert kept.any(), f"Với p = {p} không phần tử nào được giữ lại."
        assert np.allclose(out[kept], x[kept] / (1 - p), rtol=1e-6, atol=0), (
            f"Với p = {p}, phần tử được giữ lại không bằng X / (1 - p)."
        )


@pytest.mark.check(cell=CELL, points=1)
def test_drop_fraction(runner):
    """Tỉ lệ phần tử bị bỏ phải gần p (trên 100.000 phần tử) và mặt nạ đổi sau mỗi lần gọi."""
    x = np.ones((400, 250), dtype="float32")
    for p in (0.1, 0.5, 0.8):
        first = runner.array(runner.call("dropout_layer", x, p), "dropout_layer")
        fraction = float(np.mean(first == 0))
        tolerance = _binomial_tolerance(p, x.size)
        assert abs(fraction - p) <= tolerance, (
            f"Với p = {p}, tỉ lệ bị bỏ là {fraction:.4f}, ngoài khoảng {p} ± {tolerance:.4f}."
        )
        second = runner.array(runner.call("dropout_layer", x, p), "dropout_layer")
        assert not np.array_equal(first == 0, second == 0), (
            "Hai lần gọi cho cùng một mặt nạ: mặt nạ phải được rút ngẫu nhiên mỗi lần."
        )


@pytest.mark.check(cell=CELL, points=1)
def test_mask_is_elementwise(runner):
    """Mỗi phần tử phải được giữ hay bỏ độc lập (không bỏ cả hàng hay cả cột)."""
    p = 0.5
    x = np.ones((500, 200), dtype="float32")
    dropped = runner.array(runner.call("dropout_layer", x, p), "dropout_layer") == 0
    for axis, count in ((0, x.shape[0]), (1, x.shape[1])):
        fractions = dropped.mean(axis=axis)
        tolerance = _binomial_tolerance(p, count) * 1.5
        assert np.all(np.abs(fractions - p) <= tolerance), (
            "Tỉ lệ bị bỏ theo từng hàng/cột lệch quá xa p: mặt nạ phải có cùng kích thước với X."
        )


@pytest.mark.check(cell=CELL, points=1)
def test_gradient_is_mask_over_keep(runner, rng):
    """Đạo hàm của dropout theo X phải bằng mặt nạ / (1 - p) (kiểm tra bằng float64)."""
    p = 0.4
    x = rng.uniform(1, 2, size=(50, 40))
    upstream = rng.normal(size=x.shape)
    result = runner.probe("gradient", target="dropout_layer", x=x, upstream=upstream, args=[p])
    out = runner.array(result["output"], "dropout_layer")
    assert result["grad"] is not None, "Không tính được đạo hàm theo X: phép toán bị ngắt khỏi đồ thị."
    grad = runner.array(result["grad"], "đạo hàm")
    expected = (out != 0) / (1 - p) * upstream
    assert grad.shape == x.shape, f"Đạo hàm có kích thước {grad.shape}, cần {x.shape}."
    assert np.allclose(grad, expected, rtol=1e-10, atol=1e-12), (
        "Đạo hàm theo X không bằng mặt nạ / (1 - p)."
    )
