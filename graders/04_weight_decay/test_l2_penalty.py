"""Hidden checks for `l2_penalty(w)` (cell test_l2_penalty)."""

import numpy as np
import pytest

CELL = "test_l2_penalty"


@pytest.mark.check(cell=CELL, points=1)
def test_value_is_half_sum_of_squares(runner, rng):
    """l2_penalty(w) phải bằng đúng tổng bình phương các phần tử chia 2, với w mọi kích thước."""
    for shape in ((200, 1), (7,), (3, 4, 5)):
        w = rng.normal(size=shape)
        value = runner.array(runner.call("l2_penalty", w), "l2_penalty")
        assert value.shape == (), f"l2_penalty phải trả về một số vô hướng, nhận được shape {value.shape}."
        expected = np.sum(w ** 2) / 2
        assert np.isclose(value, expected, rtol=1e-10, atol=0), (
            f"Với w kích thước {shape}: l2_penalty(w) = {float(value):.6g}, "
            f"cần ‖w‖²/2 = {expected:.6g}."
        )


@pytest.mark.check(cell=CELL, points=1)
def test_gradient_is_w(runner, rng):
    """Đạo hàm của l2_penalty theo w phải bằng đúng w (float64)."""
    w = rng.normal(size=(50, 1))
    result = runner.probe("gradient", target="l2_penalty", x=w, upstream=np.ones(()))
    assert result["grad"] is not None, "Không tính được đạo hàm của l2_penalty theo w."
    grad = runner.array(result["grad"], "đạo hàm của l2_penalty")
    assert grad.shape == w.shape, f"Đạo hàm có kích thước {grad.shape}, cần {w.shape}."
    assert np.allclose(grad, w, rtol=1e-10, atol=1e-12), (
        "Đạo hàm của l2_penalty theo w phải bằng w (nhờ hệ số 1/2)."
    )
