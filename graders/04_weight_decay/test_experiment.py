"""Hidden checks: the judge trains with the student's train_step (cell test_weight_decay_effect)."""

import numpy as np
import pytest

CELL = "test_weight_decay_effect"


def _train(runner, profile, data, lambd):
    recipe = profile.recipe
    result = runner.probe(
        "train_loop", step="train_step", forward="net", x_train=data.x_train,
        y_train=data.y_train, x_eval=data.x_test, epochs=recipe["epochs"],
        batch_size=recipe["batch_size"], seed=recipe["seed"],
        step_kwargs={"lambd": lambd, "lr": recipe["learning_rate"]},
        params=[data.w_init, np.zeros(1)])
    predictions = runner.array(result["outputs"], "dự đoán của net")
    w = runner.array(result["params"][0], "trọng số w")
    assert predictions.shape == data.y_test.shape, (
        f"Dự đoán có kích thước {predictions.shape}, cần {data.y_test.shape}."
    )
    test_loss = float(np.mean((predictions - data.y_test) ** 2 / 2))
    return test_loss, float(np.linalg.norm(w))


@pytest.mark.check(cell=CELL, points=3)
def test_decay_fights_overfitting(runner, profile, regression):
    """Huấn luyện với λ = 3 phải cho ‖w‖ và mất mát kiểm tra nhỏ hơn hẳn so với λ = 0."""
    loss_0, norm_0 = _train(runner, profile, regression, 0.0)
    loss_3, norm_3 = _train(runner, profile, regression, 3.0)
    assert np.isfinite([loss_0, norm_0, loss_3, norm_3]).all(), (
        "Huấn luyện cho ra giá trị không hữu hạn (NaN/inf)."
    )
    comparison = (f"λ = 0: ‖w‖ = {norm_0:.3f}, mất mát kiểm tra {loss_0:.4g}; "
                  f"λ = 3: ‖w‖ = {norm_3:.3f}, mất mát kiểm tra {loss_3:.4g}.")
    assert norm_3 < 0.1 * norm_0, f"{comparison} Với λ = 3, ‖w‖ phải nhỏ hơn ít nhất 10 lần."
    assert loss_3 < loss_0 / 100, (
        f"{comparison} Với λ = 3, mất mát kiểm tra phải nhỏ hơn ít nhất 100 lần."
    )
    limits = profile.thresholds
    assert loss_3 <= limits["scratch_test_loss"], (
        f"{comparison} Với λ = 3, mất mát kiểm tra cần ≤ {limits['scratch_test_loss']}."
    )
    assert norm_3 <= limits["scratch_weight_norm"], (
        f"{comparison} Với λ = 3, ‖w‖ cần ≤ {limits['scratch_weight_norm']}."
    )
