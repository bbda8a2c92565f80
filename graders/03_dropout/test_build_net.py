"""Hidden checks for `build_net(...)` (cell test_build_net)."""

import pytest

from autograder.judge.dropout_rates import check_dropout_rates
from autograder.judge.layer_tables import verify_model

CELL = "test_build_net"
EXPECTED_CLASSES = ["Flatten", "Dense", "Dropout", "Dense", "Dropout", "Dense"]


@pytest.mark.check(cell=CELL, points=1)
def test_architecture(runner, rng):
    """build_net() phải là Flatten → Dense(256, relu) → Dropout → Dense(256, relu) → Dropout → Dense(10)."""
    # The judge rebuilds the layers the model declares, runs the student's model with its
    # own weights and inputs, and requires the same outputs: the table below is verified.
    model = verify_model(runner, "build_net", (28, 28, 1), rng, batch=3)
    classes = [item.layer.kind for item in model.layers]
    assert classes == EXPECTED_CLASSES, f"Thứ tự các lớp là {classes}, cần {EXPECTED_CLASSES}."
    assert model.output_shape == (10,), (
        f"Đầu ra có kích thước {model.output_shape} cho mỗi ảnh, cần (10,) (logits cho 10 lớp)."
    )
    hidden = [model.layers[i].layer.config for i in (1, 3)]
    assert all(c.get("units") == 256 and c.get("activation") == "relu" for c in hidden), (
        "Hai tầng ẩn phải là Dense(256) với hàm kích hoạt relu; dropout đặt sau mỗi tầng ẩn."
    )
    last = model.layers[5].layer.config
    assert last.get("activation") in ("linear", None), (
        "Tầng ra phải trả về logits (không có hàm kích hoạt)."
    )


@pytest.mark.check(cell=CELL, points=1)
def test_parameter_count(runner, rng):
    """Mạng 784-256-256-10 phải có đúng 269.322 tham số."""
    # The model must take weights of the declared shapes; what its layers compute is
    # test_architecture's concern.
    model = verify_model(runner, "build_net", (28, 28, 1), rng, batch=1, match_outputs=False)
    assert model.params == 269_322, f"Mạng có {model.params} tham số, cần 269322."


@pytest.mark.check(cell=CELL, points=1)
def test_uses_own_dropout_with_given_rates(runner, rng):
    """build_net phải dùng lớp Dropout của bạn với đúng các tỉ lệ dropout1, dropout2 truyền vào (trình chấm đo tỉ lệ bị bỏ ở chế độ huấn luyện)."""
    kwargs = {"dropout1": 0.3, "dropout2": 0.6}
    what = "build_net(dropout1=0.3, dropout2=0.6)"
    # The weights' shapes are verified here; what the layers compute at inference is
    # test_architecture's concern, what the dropouts drop in training is measured below.
    model = verify_model(runner, "build_net", (28, 28, 1), rng, kwargs=kwargs, batch=1,
                         match_outputs=False)
    dropouts = [item.layer for item in model.layers if item.layer.kind == "Dropout"]
    assert len(dropouts) == 2, "Cần đúng hai lớp Dropout."
    # The source policy is what keeps keras.layers.Dropout out of build_net (rules of the
    # build_net cell); this names the mistake where the policy is off.
    assert all(layer.own for layer in dropouts), (
        "Hãy dùng lớp Dropout bạn tự viết, không dùng keras.layers.Dropout."
    )
    check_dropout_rates(runner, "build_net", model, (28, 28, 1), [0.3, 0.6], what, kwargs)
