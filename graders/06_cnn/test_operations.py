"""Hidden checks of the from-scratch operations (cells test_corr2d, test_conv_output_shape,
test_multi_channel, test_pool2d): values against the judge's float64 NumPy references on
inputs drawn at grading time."""

import numpy as np
import pytest
import reference

from autograder.judge.expect import expect_close


def _values(runner, target, *args, what=None):
    return runner.array(runner.call(target, *args), what or target)


@pytest.mark.check(cell="test_corr2d", points=2)
def test_corr2d_matches_cross_correlation(runner, rng):
    """corr2d cho đúng phép tương quan chéo 'valid' (như Conv2D một kênh), cả với hạt nhân không vuông."""
    for x_shape, k_shape in (((6, 7), (2, 3)), ((5, 5), (3, 3)), ((4, 9), (4, 1))):
        x, k = rng.normal(size=x_shape), rng.normal(size=k_shape)
        expect_close(_values(runner, "corr2d", x, k), reference.corr2d(x, k),
                     f"corr2d trên X {x_shape} và K {k_shape}", rtol=1e-10, atol=1e-10,
                     hint="Y[i, j] = sum(X[i:i+kh, j:j+kw] * K) (tương quan chéo, không lật "
                          "hạt nhân).")


@pytest.mark.check(cell="test_corr2d", points=1)
def test_corr2d_gradient(runner, rng):
    """Đạo hàm của corr2d theo X (qua tf.GradientTape) đúng bằng đạo hàm giải tích, trong float64."""
    x, k, upstream = rng.normal(size=(5, 6)), rng.normal(size=(2, 3)), rng.normal(size=(4, 4))
    result = runner.probe("gradient", target="corr2d", x=x, upstream=upstream, args=[k])
    assert result["grad"] is not None, (
        "tf.GradientTape không lấy được đạo hàm của corr2d theo X: hãy tính bằng các phép toán "
        "TensorFlow (không chép sang NumPy hay gán vào một mảng có sẵn).")
    expect_close(runner.array(result["grad"], "đạo hàm của corr2d"),
                 reference.corr2d_grad(x.shape, k, upstream), "Đạo hàm của corr2d theo X",
                 rtol=1e-9, atol=1e-9)


@pytest.mark.check(cell="test_conv_output_shape", points=1)
def test_output_shape_with_padding(runner, rng):
    """conv_output_shape với bước 1: n - k + p + 1 theo mỗi chiều, p là tổng số hàng/cột đệm."""
    for _ in range(20):
        n_h, n_w = (int(v) for v in rng.integers(5, 40, size=2))
        k_h, k_w = (int(v) for v in rng.integers(1, 6, size=2))
        p_h, p_w = (int(v) for v in rng.integers(0, 5, size=2))
        got = runner.call("conv_output_shape", n_h, n_w, k_h, k_w, p_h, p_w, tensors=False)
        want = [reference.output_size(n_h, k_h, p_h, 1), reference.output_size(n_w, k_w, p_w, 1)]
        assert list(np.asarray(got).reshape(-1)) == want, (
            f"conv_output_shape({n_h}, {n_w}, {k_h}, {k_w}, p_h={p_h}, p_w={p_w}) = {got}, cần {tuple(want)}.")


@pytest.mark.check(cell="test_conv_output_shape", points=1)
def test_output_shape_with_stride(runner, rng):
    """conv_output_shape với bước s: ⌊(n - k + p + s) / s⌋, kể cả khi không chia hết."""
    cases = [(224, 224, 11, 11, 0, 0, 4, 4), (8, 8, 3, 3, 2, 2, 3, 4), (7, 9, 3, 2, 1, 0, 2, 3)]
    for _ in range(20):
        n = [int(v) for v in rng.integers(5, 60, size=2)]
        k = [int(v) for v in rng.integers(1, 6, size=2)]
        cases.append((*n, *k, *(int(v) for v in rng.integers(0, 4, size=2)),
                      *(int(v) for v in rng.integers(2, 5, size=2))))
    for n_h, n_w, k_h, k_w, p_h, p_w, s_h, s_w in cases:
        got = runner.call("conv_output_shape", n_h, n_w, k_h, k_w, p_h, p_w, s_h, s_w, tensors=False)
        want = [reference.output_size(n_h, k_h, p_h, s_h), reference.output_size(n_w, k_w, p_w, s_w)]
        assert list(np.asarray(got).reshape(-1)) == want, (
            f"conv_output_shape({n_h}, {n_w}, {k_h}, {k_w}, {p_h}, {p_w}, {s_h}, {s_w}) = {got}, "
            f"cần {tuple(want)} (làm tròn xuống).")


@pytest.mark.check(cell="test_multi_channel", points=1)
def test_multi_in_sums_over_channels(runner, rng):
    """corr2d_multi_in cộng tương quan chéo của từng kênh đầu vào (kênh ở trục cuối, NHWC)."""
    x, k = rng.normal(size=(6, 5, 3)), rng.normal(size=(2, 2, 3))
    want = sum(reference.corr2d(x[..., c], k[..., c]) for c in range(3))
    expect_close(_values(runner, "corr2d_multi_in", x, k), want,
                 "corr2d_multi_in trên X (6, 5, 3), K (2, 2, 3)", rtol=1e-10, atol=1e-10,
                 hint="Kênh là trục cuối của X (cao, rộng, kênh) và của K (kh, kw, kênh).")


@pytest.mark.check(cell="test_multi_channel", points=2)
def test_multi_in_out_matches_conv2d(runner, rng):
    """corr2d_multi_in_out bằng Conv2D (không bias) với cùng hạt nhân (kh, kw, c_in, c_out)."""
    for x_shape, k_shape in (((7, 6, 3), (3, 2, 3, 4)), ((5, 5, 2), (1, 1, 2, 3))):
        x, k = rng.normal(size=x_shape), rng.normal(size=k_shape)
        expect_close(_values(runner, "corr2d_multi_in_out", x, k), reference.conv2d(x, k),
                     f"corr2d_multi_in_out trên X {x_shape}, K {k_shape}", rtol=1e-10,
                     atol=1e-10, hint="Cần bằng Conv2D với cùng hạt nhân, kênh ra ở trục cuối.")


@pytest.mark.check(cell="test_pool2d", points=1)
def test_max_pooling(runner, rng):
    """pool2d(X, (p_h, p_w), 'max') bằng gộp cực đại bước 1."""
    x = rng.normal(size=(6, 7))
    for size in ((2, 2), (2, 3)):
        expect_close(_values(runner, "pool2d", x, list(size), "max"),
                     reference.pool2d(x, size, "max"), f"pool2d(X (6, 7), {size}, 'max')",
                     rtol=1e-12, hint="Cần max của mỗi cửa sổ.")


@pytest.mark.check(cell="test_pool2d", points=1)
def test_average_pooling(runner, rng):
    """pool2d(X, (p_h, p_w), 'avg') bằng gộp trung bình bước 1."""
    x = rng.normal(size=(6, 7))
    for size in ((2, 2), (3, 2)):
        expect_close(_values(runner, "pool2d", x, list(size), "avg"),
                     reference.pool2d(x, size, "avg"), f"pool2d(X (6, 7), {size}, 'avg')",
                     rtol=1e-12, hint="Cần trung bình của mỗi cửa sổ.")
