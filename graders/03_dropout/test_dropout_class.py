"""Hidden checks for the `Dropout` Keras layer (cell test_dropout_class)."""

import numpy as np
import pytest

from autograder.judge.expect import expect_shape
from autograder.judge.keras_files import layer_config, with_layer_config

CELL = "test_dropout_class"
#: The saved model's input width and the rows the reloaded layer drops from.
WIDTH, ROWS = 50, 200


@pytest.mark.check(cell=CELL, points=1)
def test_inference_is_identity(runner, rng):
    """Khi training=False, training=None hoặc gọi trực tiếp, lớp Dropout phải giữ nguyên đầu vào."""
    x = rng.uniform(1, 2, size=(64, 32)).astype("float32")
    result = runner.probe("layer", target="Dropout", init_args=[0.5], inputs=x,
                          calls=[{"training": False}, {"training": None}, {}])
    for label, out in zip(("training=False", "training=None", "gọi trực tiếp"),
                          result["outputs"], strict=True):
        assert np.array_equal(runner.array(out, "Dropout"), x), (
            f"Với {label} lớp Dropout làm thay đổi đầu vào (chế độ suy luận phải là hàm đồng nhất)."
        )


@pytest.mark.check(cell=CELL, points=1)
def test_training_drops(runner):
    """Khi training=True, lớp Dropout phải bỏ khoảng p phần tử và nhân phần còn lại với 1/(1 - p)."""
    p = 0.5
    x = np.ones((300, 300), dtype="float32")
    result = runner.probe("layer", target="Dropout", init_args=[p], inputs=x,
                          calls=[{"training": True}])
    out = runner.array(result["outputs"][0], "Dropout")
    fraction = float(np.mean(out == 0))
    assert abs(fraction - p) <= 6 * np.sqrt(p * (1 - p) / x.size), (
        f"Với training=True và p = {p}, tỉ lệ bị bỏ là {fraction:.4f}."
    )
    assert np.allclose(out[out != 0], 1 / (1 - p)), "Phần tử được giữ lại không bằng X / (1 - p)."


@pytest.mark.check(cell=CELL, points=1)
def test_is_configurable_keras_layer(runner, rng):
    """Dropout phải là một tầng Keras lưu được trong mô hình (.keras) với 'rate' trong get_config(), và tầng nạp lại phải dùng rate ghi trong tệp: trình chấm đổi rate trong tệp rồi nạp lại."""
    rate = round(float(rng.uniform(0.2, 0.4)), 3)
    file = runner.probe("saved_layer", target="Dropout", input_shape=[WIDTH],
                        init_args=[rate])["file"]
    config = layer_config(file, "Dropout")
    assert config.get("rate") == pytest.approx(rate), (
        f"get_config() phải có khoá 'rate' bằng tỉ lệ bỏ đã truyền vào ({rate}); config trong "
        f"tệp đã lưu có {sorted(config)[:12]}."
    )
    other = round(float(rng.uniform(0.6, 0.8)), 3)
    x = np.ones((ROWS, WIDTH), dtype="float32")
    result = runner.probe("load_layer", target="Dropout", inputs=x, training=True,
                          file=with_layer_config(file, {"rate": other}, "Dropout"))
    out = runner.array(result["outputs"], "Dropout nạp lại")
    expect_shape(out, x.shape, "Đầu ra của Dropout nạp lại")
    fraction = float(np.mean(out == 0))
    assert abs(fraction - other) <= 6 * np.sqrt(other * (1 - other) / x.size), (
        f"Trình chấm đổi rate trong tệp đã lưu thành {other} rồi nạp lại (keras.models."
        f"load_model); ở chế độ huấn luyện tầng nạp lại bỏ {fraction:.3f} số phần tử: "
        "from_config phải dựng lại tầng với rate ghi trong config."
    )