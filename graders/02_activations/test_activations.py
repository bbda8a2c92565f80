"""Hidden checks for the elementwise activation layers (cells test_sigmoid_tanh,
test_relu_family, test_smooth): values, gradients, kinks, large inputs."""

import numpy as np
import pytest
from reference import ACTIVATIONS, DEFAULTS, GROUPS, KINKS, rel_error


def _per_group(**extra):
    return [pytest.param(group, id=group,
                         marks=pytest.mark.check(cell=f"test_{group}", points=1))
            for group in GROUPS if extra.get(group, True)]


def _run(runner, name, x, dtype="float64", defaults=False):
    kwargs = {**({} if defaults else ACTIVATIONS[name][0]), "dtype": dtype}
    result = runner.probe("layer", target=name, init_kwargs=kwargs, inputs=x, calls=[{}])
    return runner.array(result["outputs"][0], name)


def _gradient(runner, name, x):
    kwargs = {**ACTIVATIONS[name][0], "dtype": str(x.dtype)}
    result = runner.probe("gradient", target=name, layer_kwargs=kwargs, x=x,
                          upstream=np.ones_like(x))
    assert result["grad"] is not None, f"{name}: không tính được đạo hàm (tensor bị ngắt khỏi đồ thị)."
    return runner.array(result["grad"], f"đạo hàm của {name}")


@pytest.mark.parametrize("group", _per_group())
def test_values(runner, group):
    """Giá trị của hàm kích hoạt phải khớp công thức trên lưới x ∈ [-8, 8] (float64)."""
    x = np.round(np.linspace(-8, 8, 161), 10)
    for name in GROUPS[group]:
        out = _run(runner, name, x)
        expected = ACTIVATIONS[name][1](x)
        assert out.shape == x.shape, f"{name}: đầu ra có kích thước {out.shape}, cần {x.shape}."
        worst = int(np.argmax(np.abs(out - expected)))
        assert np.allclose(out, expected, rtol=1e-6, atol=1e-12), (
            f"{name}: tại x = {x[worst]:g} nhận được {out[worst]:.8g}, cần {expected[worst]:.8g}."
        )
    for name in (n for n in GROUPS[group] if n in DEFAULTS):
        out = _run(runner, name, x, defaults=True)
        assert np.allclose(out, DEFAULTS[name](x), rtol=1e-6, atol=1e-12), (
            f"{name}() với tham số mặc định cho giá trị sai: kiểm tra giá trị mặc định "
            "trong đề (LeakyReLU: negative_slope=0.1, ELU: alpha=1.0)."
        )


@pytest.mark.parametrize("group", _per_group())
def test_gradients(runner, rng, group):
    """Đạo hàm (GradientTape) phải khớp sai phân trung tâm trên 1000 điểm ngẫu nhiên, xa các điểm gãy."""
    x = rng.normal(0, 3, size=1000)
    x = x[np.min([np.abs(x - k) for k in KINKS], axis=0) > 1e-3]
    h = 1e-5
    for name in GROUPS[group]:
        grad = _gradient(runner, name, x)
        shifted = _run(runner, name, np.stack([x + h, x - h]))
        numeric = (shifted[0] - shifted[1]) / (2 * h)
        # Where f' is tiny (tanh at |x| > 8) the difference quotient has ~1e-11 absolute
        # rounding error, so the tolerance is relative 1e-6 with an absolute floor of 1e-9.
        worst = int(np.argmax(np.abs(grad - numeric)))
        assert np.allclose(grad, numeric, rtol=1e-6, atol=1e-9), (
            f"{name}: đạo hàm lệch sai phân trung tâm: tại x = {x[worst]:.4f}, GradientTape cho "
            f"{grad[worst]:.8g}, sai phân cho {numeric[worst]:.8g} "
            f"(sai số tương đối lớn nhất {rel_error(grad, numeric):.2e})."
        )


@pytest.mark.parametrize("group", _per_group(sigmoid_tanh=False, smooth=False))
def test_kinks(runner, group):
    """Tại điểm gãy, đạo hàm phải theo quy ước của đề: ReLU'(0) = 0, LeakyReLU'(0) = negative_slope, ELU'(0) = alpha, ReLU6'(0) = ReLU6'(6) = 0."""
    for name in GROUPS[group]:
        kinks = ACTIVATIONS[name][2]
        x = np.array([k for k, _ in kinks])
        grad = _gradient(runner, name, x)
        for (point, expected), got in zip(kinks, grad, strict=True):
            assert np.isclose(got, expected, rtol=1e-6, atol=1e-12), (
                f"{name}: đạo hàm tại x = {point:g} là {got:g}, theo quy ước phải là {expected:g}."
            )


@pytest.mark.parametrize("group", _per_group())
def test_stable_for_large_inputs(runner, group):
    """Với |x| đến 1e4 (float32 và float64), giá trị và đạo hàm phải hữu hạn, không NaN hay inf."""
    for dtype in ("float32", "float64"):
        x = np.array([-1e4, -1e3, -100, -30, 30, 100, 1e3, 1e4], dtype=dtype)
        for name in GROUPS[group]:
            out = _run(runner, name, x, dtype)
            expected = ACTIVATIONS[name][1](x.astype("float64"))
            assert np.all(np.isfinite(out)), f"{name} ({dtype}): giá trị NaN/inf khi |x| lớn: {out}."
            assert np.allclose(out, expected, rtol=1e-5, atol=1e-6), (
                f"{name} ({dtype}): giá trị sai khi |x| lớn: {out}, cần {expected}."
            )
            grad = _gradient(runner, name, x)
            assert np.all(np.isfinite(grad)), (
                f"{name} ({dtype}): đạo hàm NaN/inf khi |x| lớn: {grad}. Tránh tính exp(x) với x lớn "
                "(kể cả ở nhánh không dùng của tf.where)."
            )
