"""Hidden checks of get_net and get_mlp (cells test_linear_model, test_mlp).

The judge fits the student's whole pipeline on the training houses minus a held-out slice
and scores its prices of the slice here: the student's preprocess makes the features (in the
runner), the judge verifies the model's layers (autograder.judge.layer_tables) and trains a
rebuild of them itself with the book's recipe (autograder.judge.trusted_training). The
slice's prices never reach the runner, and no training result comes from it.
"""

import numpy as np
import pytest
from reference import log_rmse

from autograder.judge.layer_tables import verify_model
from autograder.judge.trusted_training import fit_predict


def _affine_gap(runner, builder, rng, width=20):
    """How far builder()'s output is from affine, and its number of weights (the verifier's,
    from the declared layers, which the model must take).

    For pairs (x1, x2) it compares f(0.3·x1 + 0.7·x2) with 0.3·f(x1) + 0.7·f(x2), relative
    to |f(x1)| + |f(x2)|, and returns the largest gap. Besides random pairs it uses (x, −x),
    where a ReLU or ELU network at initialization (zero biases) is far from affine, and
    (x, 3x), where an odd network (tanh) is. Measured over 150 initializations: 0.0115 or
    more for ReLU, ELU, tanh and sigmoid MLPs, 4.5e-6 or less for affine models.
    """
    pairs = [tuple(rng.normal(size=(2, width))) for _ in range(4)]
    x = rng.normal(size=width)
    pairs += [(x, -x), (x, 3 * x)]
    inputs = np.asarray([row for x1, x2 in pairs for row in (x1, x2, 0.3 * x1 + 0.7 * x2)],
                        dtype="float32")
    result = runner.probe("model_losses", builder=builder, inputs=inputs)
    out = runner.array(result["outputs"], f"{builder}()(X)")
    assert out.shape == (len(inputs), 1), (
        f"{builder}() trên X kích thước ({len(inputs)}, {width}) phải cho ({len(inputs)}, 1), nhận được {out.shape}.")
    sizes = verify_model(runner, builder, (width,), rng, match_outputs=False).params
    out = out[:, 0].reshape(-1, 3)
    mixed = 0.3 * out[:, 0] + 0.7 * out[:, 1]
    scale = np.abs(out[:, 0]) + np.abs(out[:, 1]) + 1e-6
    return float(np.max(np.abs(out[:, 2] - mixed) / scale)), sizes


def _holdout_score(runner, rng, profile, features_of, holdout, model):
    kept, held_out = holdout
    train_features, test_features = features_of(kept, held_out.drop(columns=["SalePrice"]))
    assert train_features.columns == test_features.columns, (
        "preprocess phải cho hai bảng cùng cột để mô hình dự đoán được.")
    recipe = dict(profile.recipe[model]) | {"seed": profile.recipe["seed"]}
    prices = kept["SalePrice"].to_numpy("float64")
    target = np.log(prices) if recipe.pop("log_target") else prices
    x_train = train_features.values.astype("float32")
    verified = verify_model(runner, f"get_{model}", (x_train.shape[1],), rng)
    assert verified.output_shape == (1,), (
        f"get_{model}() phải cho một giá trị cho mỗi căn nhà, các tầng nó khai báo cho kích thước "
        f"{verified.output_shape}.")
    outputs = fit_predict(verified, recipe, x_train, target.astype("float32"),
                          test_features.values.astype("float32"),
                          limits=profile.limits).outputs
    predictions = np.exp(np.minimum(outputs, 50.0)) if profile.recipe[model]["log_target"] else outputs
    assert np.isfinite(predictions).all(), "Mô hình dự đoán ra NaN hoặc vô hạn sau khi huấn luyện."
    return log_rmse(held_out["SalePrice"], predictions)


@pytest.mark.check(cell="test_linear_model", points=1)
def test_linear_net_is_affine(runner, rng):
    """get_net() là hồi quy tuyến tính: một tầng Dense(1), d + 1 tham số, đầu ra affine theo đầu vào."""
    gap, sizes = _affine_gap(runner, "get_net", rng)
    assert sizes == 21, f"Với 20 đặc trưng, hồi quy tuyến tính có 21 tham số, get_net() có {sizes}."
    assert gap < 1e-4, "Đầu ra của get_net() không tuyến tính (affine) theo đầu vào: đừng thêm hàm kích hoạt."


@pytest.mark.check(cell="test_linear_model", points=2)
def test_linear_pipeline_prices_unseen_houses(runner, rng, profile, features_of, holdout):
    """Trình chấm tự huấn luyện các tầng của get_net() theo công thức của sách trên đặc trưng từ preprocess và chấm log-RMSE trên các căn nhà giữ lại."""
    score = _holdout_score(runner, rng, profile, features_of, holdout, "net")
    limit = profile.thresholds["linear_holdout_log_rmse"]
    assert score <= limit, (
        f"log-RMSE trên {profile.recipe['holdout']} căn nhà giữ lại là {score:.4f}, cần ≤ {limit}.")


@pytest.mark.check(cell="test_mlp", points=1)
def test_mlp_is_not_affine(runner, rng):
    """get_mlp() có tầng ẩn với hàm kích hoạt phi tuyến, nên không suy biến thành mô hình tuyến tính."""
    gap, sizes = _affine_gap(runner, "get_mlp", rng)
    assert sizes > 21, f"get_mlp() chỉ có {sizes} tham số với 20 đặc trưng: cần ít nhất một tầng ẩn."
    assert gap > 1e-3, ("get_mlp() cho đầu ra affine theo đầu vào: các tầng Dense không có hàm kích "
                        "hoạt xếp chồng vẫn chỉ là một mô hình tuyến tính.")


@pytest.mark.check(cell="test_mlp", points=2)
def test_mlp_pipeline_prices_unseen_houses(runner, rng, profile, features_of, holdout):
    """Trình chấm tự huấn luyện các tầng của get_mlp() trên log giá (đặc trưng từ preprocess) và chấm log-RMSE trên các căn nhà giữ lại."""
    score = _holdout_score(runner, rng, profile, features_of, holdout, "mlp")
    limit = profile.thresholds["mlp_holdout_log_rmse"]
    assert score <= limit, (
        f"log-RMSE trên {profile.recipe['holdout']} căn nhà giữ lại là {score:.4f}, cần ≤ {limit}.")
