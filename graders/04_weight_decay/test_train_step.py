"""Hidden checks for `sgd` and `train_step` (cells test_sgd and test_train_step)."""

import numpy as np
import pytest


def _step(runner, params, x, y, lambd, lr):
    result = runner.probe("call_update", target="train_step",
                          args=[params, x, y, lambd, lr], variables=[0])
    w, b = (runner.array(v, "tham số sau train_step") for v in result["variables"][0])
    return w, b


def _exact_batch(rng, n=5, dims=30):
    """A minibatch fitted exactly by (w, b): the data gradient is zero."""
    x = rng.normal(size=(n, dims))
    w = rng.normal(size=(dims, 1))
    b = rng.normal(size=(1,))
    return x, x @ w + b, w, b


@pytest.mark.check(cell="test_sgd", points=1)
def test_sgd_divides_by_batch_size(runner, rng):
    """sgd phải cập nhật tại chỗ mỗi tham số: param ← param − lr · grad / batch_size."""
    params = [rng.normal(size=(6, 1)), rng.normal(size=(1,))]
    grads = [rng.normal(size=(6, 1)), rng.normal(size=(1,))]
    result = runner.probe("call_update", target="sgd", args=[params, grads, 0.3, 4],
                          variables=[0])
    for name, before, grad, after in zip(("w", "b"), params, grads, result["variables"][0],
                                         strict=True):
        after = runner.array(after, "tham số sau sgd")
        assert np.allclose(after, before - 0.3 * grad / 4, rtol=1e-12, atol=1e-12), (
            f"Sau sgd(params, grads, lr=0.3, batch_size=4), {name} không bằng "
            f"{name} − lr · grad / batch_size (nhớ cập nhật tại chỗ bằng assign_sub)."
        )


@pytest.mark.check(cell="test_train_step", points=1)
def test_plain_step_matches_sgd(runner, rng):
    """Với λ = 0, train_step phải là một bước SGD đúng trên mất mát bình phương trung bình."""
    x = rng.normal(size=(5, 30))
    y = rng.normal(size=(5, 1))
    w0, b0 = rng.normal(size=(30, 1)), rng.normal(size=(1,))
    w, b = _step(runner, [w0, b0], x, y, 0.0, 0.01)
    residual = x @ w0 + b0 - y
    assert np.allclose(w, w0 - 0.01 * x.T @ residual / 5, rtol=1e-9, atol=1e-12), (
        "Với λ = 0, w sau một bước không khớp w − lr · (1/n) Σ ∂l/∂w."
    )
    assert np.allclose(b, b0 - 0.01 * residual.mean(), rtol=1e-9, atol=1e-12), (
        "Với λ = 0, b sau một bước không khớp b − lr · (1/n) Σ ∂l/∂b."
    )


@pytest.mark.check(cell="test_train_step", points=1)
def test_decay_shrinks_weights(runner, rng):
    """Khi gradient của dữ liệu bằng 0, một bước với λ > 0 phải nhân w với đúng (1 − lr·λ)."""
    x, y, w0, b0 = _exact_batch(rng)
    lr, lambd = 0.01, 3.0
    w, _ = _step(runner, [w0, b0], x, y, lambd, lr)
    factor = 1 - lr * lambd
    assert np.allclose(w, factor * w0, rtol=1e-9, atol=1e-12), (
        f"Khi dữ liệu đã khớp hoàn toàn, w phải được nhân với đúng (1 − lr·λ) = {factor:.2f}; "
        f"hệ số nhận được khoảng {float(np.median(w / w0)):.4f}."
    )


@pytest.mark.check(cell="test_train_step", points=1)
def test_bias_is_not_penalized(runner, rng):
    """Số hạng điều chuẩn chỉ được phạt trọng số w, không phạt hệ số điều chỉnh (bias) b."""
    x, y, w0, b0 = _exact_batch(rng)
    _, b = _step(runner, [w0, b0], x, y, 3.0, 0.01)
    assert np.allclose(b, b0, rtol=1e-9, atol=1e-12), (
        "Khi gradient của dữ liệu bằng 0, b vẫn thay đổi sau một bước: chỉ phạt trọng số w, "
        "không phạt b."
    )
