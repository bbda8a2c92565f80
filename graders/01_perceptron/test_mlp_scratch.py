"""Hidden checks for init_mlp_params, relu and mlp (cell test_mlp_scratch)."""

import numpy as np
import pytest

CELL = "test_mlp_scratch"


def _forward(x, params):
    W1, b1, W2, b2 = params
    hidden = np.maximum(x.reshape(len(x), -1) @ W1 + b1, 0)
    return hidden @ W2 + b2


@pytest.mark.check(cell=CELL, points=1)
def test_init_shapes_and_statistics(runner):
    """init_mlp_params: W1 (784, 256), b1 (256,), W2 (256, 10), b2 (10,); W ~ N(0, σ²), bias bằng 0."""
    for kwargs, sizes, sigma in (({}, (784, 256, 10), 0.01),
                                 ({"num_inputs": 50, "num_hiddens": 300, "num_outputs": 7,
                                   "sigma": 0.1}, (50, 300, 7), 0.1)):
        result = runner.call("init_mlp_params", **kwargs)
        assert isinstance(result, list), "init_mlp_params phải trả về danh sách [W1, b1, W2, b2]."
        assert len(result) == 4, "init_mlp_params phải trả về danh sách [W1, b1, W2, b2]."
        W1, b1, W2, b2 = (runner.array(v, "init_mlp_params") for v in result)
        n_in, n_hidden, n_out = sizes
        shapes = [W1.shape, b1.shape, W2.shape, b2.shape]
        expected = [(n_in, n_hidden), (n_hidden,), (n_hidden, n_out), (n_out,)]
        assert shapes == expected, f"Với {kwargs or 'tham số mặc định'}: kích thước {shapes}, cần {expected}."
        for name, W in (("W1", W1), ("W2", W2)):
            assert abs(W.std() - sigma) < sigma / 10, (
                f"{name} có độ lệch chuẩn {W.std():.4g}, cần khoảng σ = {sigma} (±10%)."
            )
            assert abs(W.mean()) < sigma / 5, f"{name} có trung bình {W.mean():.4g}, cần khoảng 0."
        assert not b1.any(), "b1 phải khởi tạo bằng 0."
        assert not b2.any(), "b2 phải khởi tạo bằng 0."


@pytest.mark.check(cell=CELL, points=1)
def test_initial_loss_near_ln10(runner, rng):
    """Với khởi tạo đúng, logits ban đầu gần 0 nên mất mát entropy chéo ban đầu ≈ ln 10 ≈ 2.3026."""
    x = rng.uniform(0, 1, size=(256, 28, 28, 1)).astype("float32")
    y = rng.integers(0, 10, size=256).astype("int32")
    result = runner.probe("train_loop", init="init_mlp_params", step="train_step_scratch",
                          forward="mlp", x_train=x[:1], y_train=y[:1], x_eval=x, epochs=0,
                          batch_size=1, seed=0, step_kwargs={"lr": 0.1})
    logits = runner.array(result["outputs"], "mlp").astype("float64")
    assert logits.shape == (256, 10), f"mlp trả về kích thước {logits.shape}, cần (256, 10)."
    shifted = logits - logits.max(axis=1, keepdims=True)
    loss = float(np.mean(np.log(np.exp(shifted).sum(axis=1)) - shifted[np.arange(256), y]))
    assert abs(loss - np.log(10)) < 0.05, (
        f"Mất mát ban đầu là {loss:.4f}, cần ln 10 ≈ 2.3026 ± 0.05: trọng số khởi tạo quá lớn?"
    )


@pytest.mark.check(cell=CELL, points=1)
def test_relu_and_forward(runner, rng):
    """relu phải bằng đúng max(X, 0); mlp(X, params) phải tính relu(X W1 + b1) W2 + b2 với ảnh (B, 28, 28, 1) hoặc (B, 784)."""
    x = rng.normal(size=(6, 9))
    x[0, :3] = 0.0
    out = runner.array(runner.call("relu", x), "relu")
    assert np.array_equal(out, np.maximum(x, 0)), "relu(X) khác max(X, 0)."
    params = [rng.normal(0, 0.1, size=(784, 32)), rng.normal(0, 0.1, size=32),
              rng.normal(0, 0.1, size=(32, 10)), rng.normal(0, 0.1, size=10)]
    images = rng.uniform(0, 1, size=(5, 28, 28, 1))
    expected = _forward(images, params)
    for x_in in (images, images.reshape(5, 784)):
        logits = runner.array(runner.call("mlp", x_in, params), "mlp")
        assert logits.shape == (5, 10), (
            f"mlp với đầu vào {x_in.shape} trả về kích thước {logits.shape}, cần (5, 10)."
        )
        assert np.allclose(logits, expected, rtol=1e-6, atol=1e-8), (
            f"mlp với đầu vào {x_in.shape} tính sai logits."
        )
