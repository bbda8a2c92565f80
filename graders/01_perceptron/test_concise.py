"""Hidden checks for build_concise_mlp (cell test_concise)."""

import pytest

from autograder.judge.layer_tables import verify_model
from autograder.judge.trusted_training import held_out_accuracy

CELL = "test_concise"


@pytest.mark.check(cell=CELL, points=1)
def test_architecture(runner, rng):
    """build_concise_mlp() phải là Flatten → Dense(256, relu) → Dense(10) (logits) với 203.530 tham số."""
    # Verified: the judge rebuilds the declared layers and runs the student's model with its
    # own weights and inputs; the layers, shapes and count below are the rebuild's.
    model = verify_model(runner, "build_concise_mlp", (28, 28, 1), rng)
    layers = [item.layer for item in model.layers]
    dense = [layer for layer in layers if layer.kind == "Dense"]
    assert len(dense) == 2, (
        f"Cần đúng hai tầng Dense, nhận được {[layer.kind for layer in layers]}."
    )
    hidden, out = (layer.config for layer in dense)
    assert hidden.get("units") == 256, "Tầng ẩn phải có 256 nút."
    assert hidden.get("activation") == "relu", "Tầng ẩn phải dùng hàm kích hoạt relu."
    assert out.get("units") == 10, "Tầng ra phải có 10 nút."
    assert layers[-1] is dense[-1], (
        "Tầng cuối cùng phải là Dense(10): không thêm softmax hay tầng nào sau nó."
    )
    assert out.get("activation") in ("linear", None), (
        "Tầng ra phải trả về logits (không có softmax): softmax đã nằm trong hàm mất mát "
        "(from_logits=True)."
    )
    assert model.output_shape == (10,), (
        f"Đầu ra có kích thước {model.output_shape} cho mỗi ảnh, cần (10,)."
    )
    assert model.params == 203_530, f"Mô hình có {model.params} tham số, cần 203530."


@pytest.mark.check(cell=CELL, points=2)
def test_concise_accuracy(runner, rng, profile, fashion_mnist):
    """Trình chấm tự huấn luyện các tầng của mô hình Keras theo công thức của sách; độ chính xác trên tập kiểm tra phải đạt ngưỡng."""
    recipe = {"seed": profile.recipe["seed"], "optimizer": "sgd",
              "learning_rate": profile.recipe["learning_rate"],
              "epochs": profile.recipe["epochs"], "batch_size": profile.recipe["batch_size"]}
    model = verify_model(runner, "build_concise_mlp", (28, 28, 1), rng)
    accuracy = held_out_accuracy(model, recipe, fashion_mnist, "build_concise_mlp()",
                                 limits=profile.limits)
    threshold = profile.thresholds["concise_test_accuracy"]
    assert accuracy >= threshold, (
        f"Sau khi trình chấm huấn luyện các tầng của build_concise_mlp() ({recipe['epochs']} "
        f"epoch), độ chính xác trên tập kiểm tra là {accuracy:.3f}, cần ít nhất {threshold:.2f}."
    )
