"""Hidden checks for `build_net(...)` (cell test_build_net)."""

import numpy as np
import pytest

from autograder.judge.verifier import Unverifiable, rebuild_outputs

CELL = "test_build_net"
EXPECTED_CLASSES = ["Flatten", "Dense", "Dropout", "Dense", "Dropout", "Dense"]


def _own_dropouts(layers):
    return [layer for layer in layers if layer["class"] == "Dropout"]


@pytest.mark.check(cell=CELL, points=1)
def test_architecture(runner, rng):
    """build_net() phải là Flatten → Dense(256, relu) → Dropout → Dense(256, relu) → Dropout → Dense(10)."""
    model = runner.probe("describe", builder="build_net", input_shape=[2, 28, 28, 1])
    classes = [layer["class"] for layer in model["layers"]]
    assert classes == EXPECTED_CLASSES, f"Thứ tự các lớp là {classes}, cần {EXPECTED_CLASSES}."
    assert model["output_shape"] == [2, 10], (
        f"Đầu ra có kích thước {model['output_shape']}, cần [2, 10] (logits cho 10 lớp)."
    )
    hidden = [model["layers"][i]["config"] or {} for i in (1, 3)]
    assert all(c.get("units") == 256 and c.get("activation") == "relu" for c in hidden), (
        "Hai tầng ẩn phải là Dense(256) với hàm kích hoạt relu; dropout đặt sau mỗi tầng ẩn."
    )
    last = model["layers"][5]["config"] or {}
    assert last.get("activation") in ("linear", None), (
        "Tầng ra phải trả về logits (không có hàm kích hoạt)."
    )
    # The table is the runner's word: the judge rebuilds the layers it names with the
    # model's own weights and checks that they compute what the model outputs.
    x = rng.uniform(0, 1, size=(3, 28, 28, 1)).astype("float32")
    run = runner.probe("model_losses", builder="build_net", inputs=x)
    outputs = runner.array(run["outputs"], "build_net()(X)")
    try:
        rebuilt = rebuild_outputs(model["layers"], run["weights"], x)
    except Unverifiable as exc:
        raise AssertionError(f"Không dựng lại được mạng từ các lớp nó khai báo: {exc}.") from None
    assert outputs.shape == rebuilt.shape, (
        f"build_net()(X) có kích thước {outputs.shape}, các lớp khai báo cho {rebuilt.shape}.")
    assert np.allclose(outputs, rebuilt, rtol=1e-4, atol=1e-5), (
        "Đầu ra của build_net() ở chế độ suy luận không khớp với các lớp và trọng số nó khai "
        "báo (Dropout phải giữ nguyên đầu vào khi training=False)."
    )


@pytest.mark.check(cell=CELL, points=1)
def test_parameter_count(runner):
    """Mạng 784-256-256-10 phải có đúng 269.322 tham số."""
    model = runner.probe("describe", builder="build_net", input_shape=[1, 28, 28, 1])
    assert model["params"] == 269_322, f"Mạng có {model['params']} tham số, cần 269322."


@pytest.mark.check(cell=CELL, points=1)
def test_uses_own_dropout_with_given_rates(runner):
    """build_net phải dùng lớp Dropout của bạn với đúng các tỉ lệ dropout1, dropout2 truyền vào."""
    model = runner.probe("describe", builder="build_net", input_shape=[1, 28, 28],
                         kwargs={"dropout1": 0.3, "dropout2": 0.6})
    dropouts = _own_dropouts(model["layers"])
    assert len(dropouts) == 2, "Cần đúng hai lớp Dropout."
    assert not any(d["ancestry"][0].startswith("keras.") for d in dropouts), (
        "Hãy dùng lớp Dropout bạn tự viết, không dùng keras.layers.Dropout."
    )
    rates = [(d["config"] or {}).get("rate") for d in dropouts]
    assert rates == [pytest.approx(0.3), pytest.approx(0.6)], (
        f"Tỉ lệ dropout là {rates}, cần [0.3, 0.6] khi gọi build_net(dropout1=0.3, dropout2=0.6)."
    )
