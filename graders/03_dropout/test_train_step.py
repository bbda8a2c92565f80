"""Hidden checks for `train_step(net, X, y, loss_fn, optimizer)` (cell test_train_step)."""

import numpy as np
import pytest

CELL = "test_train_step"


def _batch(rng):
    x = rng.uniform(0, 1, size=(32, 28, 28, 1)).astype("float32")
    y = rng.integers(0, 10, size=32).astype("int32")
    return x, y


@pytest.mark.check(cell=CELL, points=2)
def test_runs_network_in_training_mode(runner, rng):
    """train_step phải gọi mạng với training=True, nếu không dropout sẽ không bao giờ hoạt động."""
    x, y = _batch(rng)
    result = runner.probe("spy_training", target="train_step", x=x, y=y, steps=2,
                          learning_rate=0.1)
    flags = result["training_flags"]
    assert flags, "train_step không gọi mạng net lần nào."
    assert all(flag is True for flag in flags), (
        f"Mạng được gọi với training={flags[0]!r}: hãy gọi net(X, training=True) khi huấn luyện "
        "(lỗi có trong mã TensorFlow của sách)."
    )


@pytest.mark.check(cell=CELL, points=1)
def test_updates_weights_and_reduces_loss(runner, rng):
    """train_step phải cập nhật trọng số và làm giảm mất mát trên một minibatch cố định."""
    x, y = _batch(rng)
    result = runner.probe("spy_training", target="train_step", x=x, y=y, steps=30,
                          learning_rate=0.1)
    assert result["weights_changed"], "Sau train_step trọng số của mạng không thay đổi."
    losses = [float(np.mean(runner.array(loss, "giá trị mất mát"))) for loss in result["losses"]]
    assert all(np.isfinite(losses)), "train_step trả về mất mát không hữu hạn (NaN/inf)."
    assert losses[-1] < losses[0], (
        f"Mất mát không giảm sau 30 bước ({losses[0]:.3f} → {losses[-1]:.3f})."
    )
