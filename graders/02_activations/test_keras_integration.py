"""Hidden checks: every layer behaves as a Keras layer (cell test_keras_integration)."""

import numpy as np
import pytest
from reference import ACTIVATIONS, HYPERPARAMETERS, maxout

from autograder.judge.expect import expect_close
from autograder.judge.keras_files import layer_config, with_layer_config

CELL = "test_keras_integration"
#: Every layer with the constructor arguments the checks use.
LAYERS = {**{name: ([], spec[0]) for name, spec in ACTIVATIONS.items()}, "Maxout": ([2], {})}


def _expected(name, x):
    return maxout(x, 2) if name == "Maxout" else ACTIVATIONS[name][1](x)


@pytest.mark.check(cell=CELL, points=1)
def test_shape_and_dtype_preserved(runner, rng):
    """Mỗi tầng phải giữ nguyên kích thước (hạng 2 và 4) và kiểu dữ liệu float32/float64 của nó."""
    for shape in ((3, 4), (2, 3, 4, 6)):
        for dtype in ("float32", "float64"):
            x = rng.normal(size=shape).astype(dtype)
            for name, (args, kwargs) in LAYERS.items():
                result = runner.probe("layer", target=name, init_args=args,
                                      init_kwargs={**kwargs, "dtype": dtype}, inputs=x, calls=[{}])
                out = runner.array(result["outputs"][0], name)
                expected = _expected(name, x.astype("float64"))
                assert out.shape == expected.shape, (
                    f"{name}: đầu vào {shape} cho đầu ra {out.shape}, cần {expected.shape}."
                )
                assert out.dtype == np.dtype(dtype), (
                    f"{name}(dtype='{dtype}'): đầu ra kiểu {out.dtype}; đừng ép kiểu cố định, hãy "
                    "giữ kiểu của đầu vào."
                )


#: The width of the saved model's input (every Maxout value the checks draw divides it).
WIDTH = 8


def _draw(rng, name, avoid=None):
    """A fresh value of ``name``'s hyperparameter, other than ``avoid``."""
    _, _, values = HYPERPARAMETERS[name]
    while True:
        value = (int(rng.choice(values)) if isinstance(values[0], int)
                 else round(float(rng.uniform(*values)), 3))
        if value != avoid:
            return value


def _expected_with(name, x, value):
    return HYPERPARAMETERS[name][1](x, value) if name in HYPERPARAMETERS else _expected(name, x)


def _saved(runner, rng, name):
    """A ``.keras`` file the runner saves of ``Input((8,), float64)`` + the student's layer,
    built with a fresh hyperparameter value (None for a layer without one)."""
    value = _draw(rng, name) if name in HYPERPARAMETERS else None
    kwargs = {"dtype": "float64"}
    args = [value] if name == "Maxout" else []
    if value is not None and name != "Maxout":
        kwargs[HYPERPARAMETERS[name][0]] = value
    result = runner.probe("saved_layer", target=name, input_shape=[WIDTH], dtype="float64",
                          init_args=args, init_kwargs=kwargs)
    return value, result["file"]


def _reloaded(runner, name, file, x):
    """The outputs on ``x`` of the model the runner loads from ``file`` (the judge's)."""
    result = runner.probe("load_layer", target=name, file=file, inputs=x)
    return runner.array(result["outputs"], f"{name} nạp lại")


@pytest.mark.check(cell=CELL, points=1)
def test_config_round_trip(runner, rng):
    """Tệp .keras (model.save) phải ghi siêu tham số của tầng trong config (get_config()), và tầng nạp lại phải dùng đúng giá trị ghi ở đó (from_config): trình chấm đổi giá trị trong tệp rồi nạp lại."""
    for name, (key, _, _) in HYPERPARAMETERS.items():
        value, file = _saved(runner, rng, name)
        config = layer_config(file, name)
        assert config.get(key) == pytest.approx(value), (
            f"{name}.get_config() phải chứa '{key}' = {value}; config trong tệp đã lưu có "
            f"{sorted(config)[:12]}."
        )
        other = _draw(rng, name, avoid=value)
        x = rng.normal(size=(3, WIDTH))
        out = _reloaded(runner, name, with_layer_config(file, {key: other}, name), x)
        expect_close(out, _expected_with(name, x, other),
                     f"{name} nạp lại sau khi trình chấm đổi '{key}' trong config đã lưu thành "
                     f"{other}", rtol=1e-6, atol=1e-12,
                     hint="Tầng nạp lại phải dùng giá trị trong config: from_config (mặc định: "
                          "cls(**config)) phải đọc đúng khoá mà get_config ghi.")


@pytest.mark.check(cell=CELL, points=1)
def test_saved_and_reloaded_model(runner, rng):
    """Một mô hình chứa tầng của bạn phải lưu được (.keras) và nạp lại được: trình chấm đổi dtype của tầng trong tệp đã lưu (float64 → float32) rồi nạp lại; tầng nạp lại phải tính bằng float32 và cho đúng kết quả."""
    for name in LAYERS:
        value, file = _saved(runner, rng, name)
        x = rng.normal(size=(3, WIDTH))
        out = _reloaded(runner, name, with_layer_config(file, {"dtype": "float32"}, name), x)
        assert out.dtype == np.float32, (
            f"Mô hình chứa {name}, lưu với dtype='float64', được trình chấm đổi thành "
            f"dtype='float32' trong tệp rồi nạp lại, cho đầu ra kiểu {out.dtype}: __init__ "
            "phải chuyển **kwargs (name, dtype, ...) cho super().__init__ và get_config phải "
            "bắt đầu từ super().get_config()."
        )
        expect_close(out, _expected_with(name, x, value),
                     f"Mô hình chứa {name}, sau khi lưu và nạp lại,", rtol=1e-5, atol=1e-6)
