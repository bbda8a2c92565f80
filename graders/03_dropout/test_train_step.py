"""Hidden checks for `train_step(net, X, y, loss_fn, optimizer)` (cell test_train_step).

The runner calls the student's step on the judge's network and weights; the judge
computes the weights one SGD step must give, in training mode and in inference mode,
and compares. The network adds 1 to its hidden layer in training mode only, so the two
differ: the weights are the evidence, not what the runner says about the call.
"""

import numpy as np
import pytest
from reference import initial_weights, loss, sgd_step

CELL = "test_train_step"
LEARNING_RATE = 0.1


def _batch(rng):
    x = rng.uniform(0, 1, size=(32, 28, 28, 1)).astype("float32")
    y = rng.integers(0, 10, size=32).astype("int32")
    return x, y


def _stepped(runner, rng, steps):
    x, y = _batch(rng)
    start = initial_weights(rng, 28 * 28)
    result = runner.probe("train_step", target="train_step", x=x, y=y, weights=start,
                          steps=steps, learning_rate=LEARNING_RATE)
    weights = result["weights"]
    assert [w.shape for w in weights] == [w.shape for w in start], (
        "train_step làm thay đổi cấu trúc của mạng net.")
    return x, y, start, weights


def _close(got, expected):
    return all(np.allclose(g, e, rtol=1e-3, atol=1e-5) for g, e in zip(got, expected,
                                                                        strict=True))


@pytest.mark.check(cell=CELL, points=2)
def test_runs_network_in_training_mode(runner, rng):
    """train_step phải gọi mạng với training=True, nếu không dropout sẽ không bao giờ hoạt động."""
    x, y, start, weights = _stepped(runner, rng, steps=1)
    assert not _close(weights, sgd_step(start, x, y, LEARNING_RATE, training=False)), (
        "Mạng được gọi ở chế độ suy luận: hãy gọi net(X, training=True) khi huấn luyện (lỗi "
        "có trong mã TensorFlow của sách).")
    assert _close(weights, sgd_step(start, x, y, LEARNING_RATE, training=True)), (
        "Trọng số sau một bước không khớp với một bước SGD trên mất mát của minibatch, tính "
        "với net(X, training=True): hãy tính mất mát bằng loss_fn(y, net(X, training=True)) "
        "trong GradientTape rồi gọi optimizer.apply_gradients.")


@pytest.mark.check(cell=CELL, points=1)
def test_updates_weights_and_reduces_loss(runner, rng):
    """train_step phải cập nhật trọng số và làm giảm mất mát trên một minibatch cố định."""
    x, y, start, weights = _stepped(runner, rng, steps=30)
    assert not _close(weights, start), "Sau train_step trọng số của mạng không thay đổi."
    assert all(np.all(np.isfinite(w)) for w in weights), (
        "Sau train_step trọng số có giá trị không hữu hạn (NaN/inf).")
    before, after = loss(start, x, y), loss(weights, x, y)
    assert after < before, f"Mất mát không giảm sau 30 bước ({before:.3f} → {after:.3f})."
