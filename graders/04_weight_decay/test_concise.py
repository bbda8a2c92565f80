"""Hidden checks for the Keras version (cells test_build_concise and test_keras_equivalent).

The penalty checks run one step of Keras' SGD on the student's model and compare the weights
with the judge's arithmetic; the training check verifies build_concise's layers and trains a
rebuild of them in the judge, with the L2 penalty they declare
(autograder.judge.trusted_training).
"""

import numpy as np
import pytest

from autograder.judge.layer_tables import verify_model
from autograder.judge.trusted_training import fit_predict

WD = 3.0
LEARNING_RATE = 0.01


def _keras_step(runner, rng):
    """One step of Keras' own SGD on build_concise(wd=3) from the judge's weights, and the
    judge's own arithmetic for it: MSE gradient, plus 2·wd·w on the kernel if penalized,
    plus 2·wd·b on the bias if penalized."""
    x = rng.normal(size=(8, 200)).astype("float32")
    y = rng.normal(size=(8, 1)).astype("float32")
    kernel = rng.normal(0, 0.5, size=(200, 1)).astype("float32")
    bias = np.full((1,), 2.0, dtype="float32")
    result = runner.probe("keras_step", builder="build_concise", kwargs={"wd": WD}, x=x, y=y,
                          weights=[kernel, bias], learning_rate=LEARNING_RATE)
    outputs = runner.array(result["outputs"], "đầu ra của mô hình")
    assert outputs.shape == (8, 1), f"Mô hình trả về kích thước {outputs.shape}, cần (8, 1)."
    weights = result["weights"]
    assert [w.shape for w in weights] == [(200, 1), (1,)], (
        "build_concise phải là một tầng Dense(1) duy nhất (kernel (200, 1) và bias (1,)).")
    w, b = kernel.astype("float64"), bias.astype("float64")
    residual = x.astype("float64") @ w + b - y
    data_grad_w = 2 * x.T.astype("float64") @ residual / len(y)
    data_grad_b = 2 * residual.mean(axis=0)
    return weights, (w, b, data_grad_w, data_grad_b)


def _matches(got, expected):
    return np.allclose(got, expected, rtol=1e-4, atol=1e-6)


@pytest.mark.check(cell="test_build_concise", points=1)
def test_penalty_is_wd_sum_of_squares(runner, rng):
    """Hàm phạt Keras của build_concise(wd) phải bằng wd·Σw² trên kernel, không có 1/2."""
    (kernel, _), (w, _, grad_w, _) = _keras_step(runner, rng)
    expected = w - LEARNING_RATE * (grad_w + 2 * WD * w)
    halved = w - LEARNING_RATE * (grad_w + WD * w)
    assert not _matches(kernel, halved), (
        "Bước SGD của Keras chỉ giảm kernel theo wd·w: hàm phạt đang là (wd/2)·Σw²; cần "
        "wd·Σw² (keras.regularizers.L2(wd) trên kernel, không có hệ số 1/2).")
    assert _matches(kernel, expected), (
        "Kernel sau một bước SGD của Keras không khớp với mất mát MSE + wd·Σw²: hãy dùng "
        "kernel_regularizer=keras.regularizers.L2(wd).")


@pytest.mark.check(cell="test_build_concise", points=1)
def test_bias_not_regularized(runner, rng):
    """Trong mô hình Keras chỉ kernel được điều chuẩn, bias thì không."""
    (_, bias), (_, b, _, grad_b) = _keras_step(runner, rng)
    assert _matches(bias, b - LEARNING_RATE * grad_b), (
        "Bias sau một bước SGD của Keras không chỉ theo gradient của MSE: bias đang bị phạt "
        "(bỏ bias_regularizer, chỉ phạt kernel).")


@pytest.mark.check(cell="test_build_concise", points=2)
def test_concise_training(runner, rng, profile, regression):
    """Trình chấm tự huấn luyện các tầng của build_concise(3) (với hàm phạt nó khai báo) theo công thức của sách; mất mát kiểm tra phải nhỏ."""
    recipe = {"seed": profile.recipe["seed"], "optimizer": "sgd", "loss": "mse",
              "learning_rate": profile.recipe["learning_rate"],
              "epochs": profile.recipe["epochs"], "batch_size": profile.recipe["batch_size"]}
    model = verify_model(runner, "build_concise", (regression.x_train.shape[1],), rng,
                         kwargs={"wd": WD})
    assert model.output_shape == (1,), (
        f"build_concise(3) phải cho một giá trị cho mỗi mẫu, các tầng nó khai báo cho kích thước "
        f"{model.output_shape}.")
    trained = fit_predict(model, recipe, regression.x_train.astype("float32"),
                          regression.y_train.astype("float32"),
                          regression.x_test.astype("float32"), limits=profile.limits)
    mse = float(np.mean((trained.outputs - regression.y_test) ** 2))
    norm = float(np.linalg.norm(trained.weights[0]))
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
