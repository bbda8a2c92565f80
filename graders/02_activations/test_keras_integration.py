"""Hidden checks: every layer behaves as a Keras layer (cell test_keras_integration)."""

import numpy as np
import pytest
from reference import ACTIVATIONS

CELL = "test_keras_integration"
#: Every layer with the constructor arguments the checks use.
LAYERS = {**{name: ([], spec[0]) for name, spec in ACTIVATIONS.items()}, "Maxout": ([2], {})}


def _expected(name, x):
    if name == "Maxout":
        return x.reshape(*x.shape[:-1], 2, x.shape[-1] // 2).max(axis=-1)
    return ACTIVATIONS[name][1](x)


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


def _round_trips(runner, x, save):
    """Each layer's `saved_layer` probe result, with the arguments it was built with."""
    for name, (args, kwargs) in LAYERS.items():
        result = runner.probe("saved_layer", target=name, init_args=args,
                              init_kwargs={**kwargs, "dtype": "float64"}, inputs=x, save=save)
        yield name, kwargs, result


@pytest.mark.check(cell=CELL, points=1)
def test_config_round_trip(runner, rng):
    """get_config() phải chứa các siêu tham số, và from_config(get_config()) phải dựng lại đúng tầng."""
    x = rng.normal(size=(3, 8))
    for name, kwargs, result in _round_trips(runner, x, save=False):
        config = result["config"]
        assert isinstance(config, dict), f"{name}.get_config() phải trả về một dict."
        for key, value in {**kwargs, **({"num_units": 2} if name == "Maxout" else {})}.items():
            assert config.get(key) == pytest.approx(value), (
                f"{name}.get_config() phải chứa '{key}' = {value}."
            )
        rebuilt = runner.array(result["from_config"], name)
        assert np.allclose(rebuilt, _expected(name, x), rtol=1e-6, atol=1e-12), (
            f"{name}.from_config(get_config()) cho kết quả khác tầng gốc: thiếu siêu tham số trong "
            "get_config()?"
        )


@pytest.mark.check(cell=CELL, points=1)
def test_saved_and_reloaded_model(runner, rng):
    """Một mô hình chứa tầng của bạn phải lưu được (.keras), nạp lại được và cho cùng kết quả."""
    x = rng.normal(size=(3, 8))
    for name, _, result in _round_trips(runner, x, save=True):
        reloaded = runner.array(result["reloaded"], name)
        assert np.allclose(reloaded, _expected(name, x), rtol=1e-6, atol=1e-12), (
            f"Mô hình chứa {name}, sau khi lưu và nạp lại, cho kết quả khác."
        )
