"""Hidden checks for the Keras version (cells test_build_concise and test_keras_equivalent)."""

import numpy as np
import pytest


@pytest.mark.check(cell="test_build_concise", points=1)
def test_penalty_is_wd_sum_of_squares(runner, rng):
    """Hàm phạt Keras của build_concise(wd) phải bằng wd·Σw² trên kernel, không có 1/2."""
    x = rng.normal(size=(4, 200)).astype("float32")
    result = runner.probe("model_losses", builder="build_concise", inputs=x, kwargs={"wd": 3.0})
    outputs = runner.array(result["outputs"], "đầu ra của mô hình")
    assert outputs.shape == (4, 1), f"Mô hình trả về kích thước {outputs.shape}, cần (4, 1)."
    kernel = runner.array(result["weights"][0], "kernel")
    penalty = sum(float(np.sum(runner.array(v, "model.losses"))) for v in result["losses"])
    expected = 3.0 * float(np.sum(kernel.astype("float64") ** 2))
    assert np.isclose(penalty, expected, rtol=1e-5), (
        f"sum(model.losses) = {penalty:.6g}, cần wd·Σw² = {expected:.6g} "
        "(keras.regularizers.L2(wd) trên kernel, không có hệ số 1/2)."
    )


@pytest.mark.check(cell="test_build_concise", points=1)
def test_bias_not_regularized(runner, rng):
    """Trong mô hình Keras chỉ kernel được điều chuẩn, bias thì không."""
    x = rng.normal(size=(4, 200)).astype("float32")
    kernel = rng.normal(size=(200, 1)).astype("float32")
    penalties = []
    for bias in (0.0, 5.0):
        result = runner.probe("model_losses", builder="build_concise", inputs=x,
                              kwargs={"wd": 3.0},
                              weights=[kernel, np.full((1,), bias, dtype="float32")])
        penalties.append(sum(float(np.sum(runner.array(v, "model.losses")))
                             for v in result["losses"]))
    assert np.isclose(penalties[0], penalties[1], rtol=1e-6), (
        f"Cùng kernel, bias = 0 cho sum(model.losses) = {penalties[0]:.6g} nhưng bias = 5 cho "
        f"{penalties[1]:.6g}: chỉ được phạt kernel, không phạt bias."
    )


@pytest.mark.check(cell="test_build_concise", points=2)
def test_concise_training(runner, profile, regression):
    """Mô hình Keras với wd = 3, huấn luyện theo công thức của sách, phải có mất mát kiểm tra nhỏ."""
    recipe = {"seed": profile.recipe["seed"], "optimizer": "sgd", "loss": "mse",
              "learning_rate": profile.recipe["learning_rate"],
              "epochs": profile.recipe["epochs"], "batch_size": profile.recipe["batch_size"]}
    result = runner.probe("fit_predict", builder="build_concise", recipe=recipe,
                          kwargs={"wd": 3.0}, x_train=regression.x_train.astype("float32"),
                          y_train=regression.y_train.astype("float32"),
                          x_test=regression.x_test.astype("float32"))
    predictions = runner.array(result["outputs"], "dự đoán của mô hình")
    assert predictions.shape == regression.y_test.shape, (
        f"Dự đoán có kích thước {predictions.shape}, cần {regression.y_test.shape}."
    )
    mse = float(np.mean((predictions - regression.y_test) ** 2))
    norm = float(np.linalg.norm(runner.array(result["weights"][0], "kernel")))
    limits = profile.thresholds
    assert mse <= limits["concise_test_mse"], (
        f"Với wd = 3: MSE trên tập kiểm tra là {mse:.4g}, cần ≤ {limits['concise_test_mse']}."
    )
    assert norm <= limits["concise_weight_norm"], (
        f"Với wd = 3: ‖w‖ = {norm:.4f}, cần ≤ {limits['concise_weight_norm']}."
    )


@pytest.mark.check(cell="test_keras_equivalent", points=2)
def test_equivalent_settings(runner):
    """keras_equivalent(λ, lr) phải trả về (wd, lr_keras) cho đúng những bước SGD của bản từ đầu."""
    for lambd, lr in ((3.0, 0.003), (0.5, 0.1)):
        result = runner.call("keras_equivalent", lambd, lr, tensors=False)
        assert isinstance(result, list), "keras_equivalent phải trả về một cặp (wd, keras_lr)."
        assert len(result) == 2, "keras_equivalent phải trả về một cặp (wd, keras_lr)."
        wd, keras_lr = (float(runner.array(v, "keras_equivalent")) for v in result)
        # Scratch: w -= lr (mean residual·x + λw); Keras: w -= klr (2 mean residual·x + 2 wd w).
        same_steps = (np.isclose(2 * keras_lr, lr, rtol=1e-9)
                      and np.isclose(2 * keras_lr * wd, lr * lambd, rtol=1e-9))
        assert same_steps, (
            f"Với λ = {lambd}, lr = {lr}: nhận được wd = {wd:g}, keras_lr = {keras_lr:g}; các bước "
            "SGD của Keras (MSE không có 1/2, L2 không có 1/2) không trùng với bản từ đầu."
        )
