"""Hidden checks: the judge trains the scratch MLP with the student's own functions (cell test_training)."""

import numpy as np
import pytest

CELL = "test_training"


def _train(runner, x_train, y_train, x_eval, epochs, batch_size, lr, seed):
    result = runner.probe("train_loop", init="init_mlp_params", step="train_step_scratch",
                          forward="mlp", x_train=x_train, y_train=y_train, x_eval=x_eval,
                          epochs=epochs, batch_size=batch_size, seed=seed,
                          step_kwargs={"lr": lr})
    logits = runner.array(result["outputs"], "mlp")
    assert logits.shape == (len(x_eval), 10), (
        f"mlp trả về kích thước {logits.shape}, cần ({len(x_eval)}, 10)."
    )
    return logits, result["losses"]


@pytest.mark.check(cell=CELL, points=2)
def test_overfits_a_small_batch(runner, profile, fashion_mnist):
    """Mạng tự viết từ đầu phải học thuộc 64 ảnh cố định (độ chính xác huấn luyện 100%) sau 300 bước SGD."""
    (x_train, y_train), _ = fashion_mnist
    recipe = profile.recipe
    x, y = x_train[:64], y_train[:64]
    logits, losses = _train(runner, x, y, x, epochs=recipe["overfit_steps"], batch_size=64,
                            lr=recipe["overfit_learning_rate"], seed=recipe["seed"])
    accuracy = float(np.mean(np.argmax(logits, axis=1) == y))
    assert accuracy == 1.0, (
        f"Sau {recipe['overfit_steps']} bước trên 64 ảnh, độ chính xác huấn luyện là "
        f"{accuracy:.3f} (mất mát {losses[0]:.3f} → {losses[-1]:.3f}); cần 1.0."
    )


@pytest.mark.check(cell=CELL, points=2)
def test_scratch_accuracy(runner, profile, fashion_mnist):
    """Mạng tự viết từ đầu, huấn luyện theo công thức của sách bằng chính các hàm của bạn, phải đạt ngưỡng độ chính xác."""
    (x_train, y_train), (x_test, y_test) = fashion_mnist
    recipe = profile.recipe
    logits, _ = _train(runner, x_train, y_train, x_test, epochs=recipe["epochs"],
                       batch_size=recipe["batch_size"], lr=recipe["learning_rate"],
                       seed=recipe["seed"])
    accuracy = float(np.mean(np.argmax(logits, axis=1) == y_test))
    threshold = profile.thresholds["scratch_test_accuracy"]
    assert accuracy >= threshold, (
        f"Độ chính xác trên tập kiểm tra là {accuracy:.3f}, cần ít nhất {threshold:.2f}."
    )
