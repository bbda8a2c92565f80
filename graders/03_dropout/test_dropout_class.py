"""Hidden checks for the `Dropout` Keras layer (cell test_dropout_class)."""

import numpy as np
import pytest

CELL = "test_dropout_class"


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
def test_is_configurable_keras_layer(runner):
    """Dropout phải kế thừa keras.layers.Layer và get_config() phải chứa 'rate'."""
    result = runner.probe("layer", target="Dropout", init_args=[0.3],
                          inputs=np.ones((2, 3), dtype="float32"), calls=[])
    assert "keras.src.layers.layer.Layer" in result["ancestry"], (
        "Dropout phải là lớp con của keras.layers.Layer."
    )
    config = result["config"]
    assert isinstance(config, dict), "get_config() phải trả về một dict."
    assert config.get("rate") == pytest.approx(0.3), (
        "get_config() phải có khoá 'rate' bằng tỉ lệ bỏ đã truyền vào."
    )
