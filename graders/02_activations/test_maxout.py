"""Hidden checks for the `Maxout` layer (cell test_maxout)."""

import numpy as np
import pytest

from autograder.judge.client import StudentCodeError

CELL = "test_maxout"


def _reference(x, units):
    return x.reshape(*x.shape[:-1], units, x.shape[-1] // units).max(axis=-1)


@pytest.mark.check(cell=CELL, points=1)
def test_values_and_shape_rule(runner, rng):
    """Maxout(d) biến (..., d·k) thành (..., d): đơn vị j lấy max của k đầu vào liên tiếp j·k … j·k+k−1."""
    for shape, units in (((4, 12), 3), ((2, 3, 3, 8), 2), ((5, 6), 6)):
        x = rng.normal(size=shape)
        result = runner.probe("layer", target="Maxout", init_args=[units],
                              init_kwargs={"dtype": "float64"}, inputs=x, calls=[{}])
        out = runner.array(result["outputs"][0], "Maxout")
        expected = _reference(x, units)
        assert out.shape == expected.shape, (
            f"Maxout({units}) trên đầu vào {shape}: kích thước ra {out.shape}, cần {expected.shape}."
        )
        assert np.allclose(out, expected, rtol=0, atol=0), (
            f"Maxout({units}) trên đầu vào {shape}: giá trị sai; hãy nhóm các phần tử liên tiếp "
            "của trục cuối (reshape thành (..., num_units, k)) rồi lấy max trên trục cuối."
        )


@pytest.mark.check(cell=CELL, points=1)
def test_gradient_flows_to_the_maximum(runner, rng):
    """Đạo hàm của Maxout chỉ đi qua phần tử lớn nhất trong mỗi nhóm."""
    x = rng.normal(size=(3, 12))
    upstream = rng.normal(size=(3, 4))
    result = runner.probe("gradient", target="Maxout", layer_init=[4],
                          layer_kwargs={"dtype": "float64"}, x=x, upstream=upstream)
    assert result["grad"] is not None, "Không tính được đạo hàm của Maxout."
    grad = runner.array(result["grad"], "đạo hàm của Maxout")
    groups = x.reshape(3, 4, 3)
    expected = (groups == groups.max(axis=-1, keepdims=True)) * upstream[..., None]
    assert np.allclose(grad, expected.reshape(3, 12), rtol=1e-12, atol=1e-12), (
        "Đạo hàm của Maxout theo đầu vào sai: gradient phải đi vào đúng phần tử lớn nhất của nhóm."
    )


@pytest.mark.check(cell=CELL, points=1)
def test_rejects_indivisible_input(runner):
    """Maxout phải báo ValueError khi chiều cuối không chia hết cho num_units."""
    error = None
    try:
        runner.probe("layer", target="Maxout", init_args=[5], inputs=np.ones((2, 12)),
                     calls=[{}])
    except StudentCodeError as raised:
        error = raised.type
    assert error is not None, "Maxout(5) trên chiều cuối 12 phải báo ValueError nhưng không báo lỗi nào."
    assert error == "ValueError", (
        f"Với chiều cuối 12 và num_units = 5, Maxout báo {error} thay vì ValueError "
        "(kèm thông báo nói rõ chiều nào không chia hết)."
    )
