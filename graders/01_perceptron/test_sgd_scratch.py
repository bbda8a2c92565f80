"""Hidden checks for sgd and train_step_scratch (cell test_sgd_scratch)."""

import numpy as np
import pytest

CELL = "test_sgd_scratch"


@pytest.mark.check(cell=CELL, points=1)
def test_sgd_update(runner, rng):
    """sgd phải cập nhật tại chỗ: param ← param − lr · grad / batch_size."""
    params = [rng.normal(size=(4, 3)), rng.normal(size=3)]
    grads = [rng.normal(size=(4, 3)), rng.normal(size=3)]
    result = runner.probe("call_update", target="sgd", args=[params, grads, 0.1, 8], variables=[0])
    for before, grad, after in zip(params, grads, result["variables"][0], strict=True):
        assert np.allclose(runner.array(after, "sgd"), before - 0.1 * grad / 8, rtol=1e-12), (
            "sgd không cập nhật param ← param − lr · grad / batch_size (tại chỗ, bằng assign_sub)."
        )


@pytest.mark.check(cell=CELL, points=2)
def test_step_equals_keras_sgd(runner, rng):
    """Một bước train_step_scratch phải trùng một bước keras.optimizers.SGD trên cùng mạng (float64, sai số ≤ 1e-7)."""
    import keras

    params = [rng.normal(0, 0.1, size=(784, 32)), np.zeros(32),
              rng.normal(0, 0.1, size=(32, 10)), np.zeros(10)]
    x = rng.uniform(0, 1, size=(8, 28, 28, 1))
    y = rng.integers(0, 10, size=8).astype("int32")
    result = runner.probe("call_update", target="train_step_scratch", args=[params, x, y, 0.1],
                          variables=[0])
    after = [runner.array(v, "tham số sau train_step_scratch") for v in result["variables"][0]]

    # The judge's own reference step: the same network in Keras, one SGD step on the mean loss.
    model = keras.Sequential([keras.Input((28, 28, 1), dtype="float64"),
                              keras.layers.Flatten(dtype="float64"),
                              keras.layers.Dense(32, activation="relu", dtype="float64"),
                              keras.layers.Dense(10, dtype="float64")])
    model.set_weights(params)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.train_on_batch(x, y)
    for name, got, expected in zip(("W1", "b1", "W2", "b2"), after, model.get_weights(),
                                   strict=True):
        assert got.shape == expected.shape, f"{name} đổi kích thước thành {got.shape}."
        assert np.allclose(got, expected, rtol=0, atol=1e-7), (
            f"Sau một bước, {name} khác giá trị {name} sau một bước SGD của Keras (lệch tối đa "
            f"{np.max(np.abs(got - expected)):.3g}): kiểm tra mất mát, gradient và cách chia "
            "cho batch_size."
        )
