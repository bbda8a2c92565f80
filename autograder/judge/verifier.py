"""Re-execution by trusted code: derive a described model's shapes and weights, and run it in NumPy.

TRUSTED SIDE. A layer table (probe ``describe``) is what the runner says a
model is made of; the runner is the student's process. This module reads that
table through a whitelist of layer kinds and configuration keys (no Keras
deserialization, no student code, no TensorFlow), and from it alone:

* :func:`trace` derives every layer's output shape and the shape and role of
  every weight the model must have, in ``get_weights`` order, and so the
  parameter count;
* :func:`draw_weights` draws weights of those shapes from the judge's seed;
* :func:`run` computes the model's inference-mode outputs with any weights.

A check then sends the drawn weights and fresh inputs to the student's model
(probe ``forward``) and requires its outputs to equal :func:`run`'s: a table
that lies about a layer, a setting or a weight, or a model that computes
something other than its layers, cannot be consistent with that arithmetic.
Shapes and parameter counts are then the verifier's, not the runner's.

Whitelist (anything else is :class:`Unverifiable`, which a check turns into a
failed check with its reason). Keras' own ``Flatten``, ``Reshape``, ``Dense``, ``Conv2D``,
``MaxPooling2D``, ``AveragePooling2D``, ``GlobalAveragePooling2D``,
``Activation``, ``ReLU`` (defaults only), ``Dropout``, ``BatchNormalization``
(last axis), ``InputLayer`` and ``Sequential`` (its layers, one level of
nesting), applied one after the other in table order (a functional model
whose graph is not that chain does not match its rebuild), in
``channels_last`` with the settings :data:`ACTIVATIONS` and the rules below
name; and two of the student's own layers, rebuilt with the course's
reference semantics, so that a match also proves the student's layer at
inference:

* ``Dropout`` (no weights): the identity;
* ``BatchNorm`` (weights ``gamma``, ``beta``, ``moving_mean``,
  ``moving_variance`` over the last axis, in that order, as 07's notebook
  asks): ``gamma · (x − mean) / sqrt(var + ε) + beta`` with the layer's
  ``epsilon`` (default 1e-5);
* 07's composite blocks (``Residual``, ``ResnetBlock``, ``Inception``,
  ``ConvBlock``, ``DenseBlock``, ``TransitionBlock``): the book's block with
  the block's own constructor arguments, its weights matched to the parts in
  the order the table declares them (:mod:`autograder.judge.blocks`).

Configuration keys that do not change an inference output given the weights
(names, initializers, regularizers, constraints, dropout rates, momentum,
dtype policies) are ignored; every other key must be one the rule for its
kind reads, with a value that rule supports.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

if TYPE_CHECKING:
    from autograder.judge.blocks import Plan

__all__ = ["ACTIVATIONS", "MAX_VERIFIED_PARAMS", "Layer", "Traced", "Unverifiable", "Weight",
           "check_keys", "draw_weights", "finite_number", "parse_table", "position",
           "positive", "read_epsilon", "read_pair", "run", "run_layer", "trace", "trace_layer"]

#: The largest model :func:`draw_weights` and :func:`run` accept (float32: 256 MiB of weights).
MAX_VERIFIED_PARAMS = 64_000_000


class Unverifiable(ValueError):
    """The table names a layer or setting the verifier does not rebuild (in Vietnamese: the
    student reads it)."""


def _linear(x: np.ndarray) -> np.ndarray:
    return x


def _relu(x: np.ndarray) -> np.ndarray:
    return np.asarray(np.maximum(x, 0.0))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)))


def _tanh(x: np.ndarray) -> np.ndarray:
    return np.asarray(np.tanh(x))


def _softmax(x: np.ndarray) -> np.ndarray:
    shifted = np.exp(x - np.max(x, axis=-1, keepdims=True))
    return np.asarray(shifted / np.sum(shifted, axis=-1, keepdims=True))


def _log_softmax(x: np.ndarray) -> np.ndarray:
    shifted = x - np.max(x, axis=-1, keepdims=True)
    return np.asarray(shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True)))


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.asarray(np.logaddexp(0.0, x))


def _elu(x: np.ndarray) -> np.ndarray:
    return np.asarray(np.where(x > 0, x, np.expm1(np.minimum(x, 0.0))))


#: SELU's constants, as Keras (and Klambauer et al., 2017) fix them.
_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772, 1.0507009873554805

_erf = np.frompyfunc(math.erf, 1, 1)

#: Activations a rebuilt Dense, Conv2D or Activation layer may carry: each is Keras 3's
#: function of that name with its default arguments (``leaky_relu``: slope 0.2; ``gelu``:
#: the exact, erf form), which a test checks against Keras itself.
ACTIVATIONS: dict[str | None, Callable[[np.ndarray], np.ndarray]] = {
    "linear": _linear, None: _linear, "relu": _relu, "sigmoid": _sigmoid, "tanh": _tanh,
    "softmax": _softmax, "softplus": _softplus, "elu": _elu,
    "selu": lambda x: np.asarray(_SELU_SCALE * np.where(x > 0, x, _SELU_ALPHA * _elu(x))),
    "softsign": lambda x: np.asarray(x / (1.0 + np.abs(x))),
    "silu": lambda x: np.asarray(x * _sigmoid(x)),
    "leaky_relu": lambda x: np.asarray(np.where(x > 0, x, 0.2 * x)),
    "relu6": lambda x: np.asarray(np.clip(x, 0.0, 6.0)),
    "hard_sigmoid": lambda x: np.asarray(np.clip(x + 3.0, 0.0, 6.0) / 6.0),
    "mish": lambda x: np.asarray(x * np.tanh(_softplus(x))),
    "gelu": lambda x: np.asarray(
        0.5 * x * (1.0 + np.asarray(_erf(x / math.sqrt(2.0)), dtype=x.dtype))),
    "exponential": lambda x: np.asarray(np.exp(x)),
    "log_softmax": _log_softmax}

#: Keys that do not change an inference output once the weights are given.
_IGNORED = frozenset({
    "name", "trainable", "dtype", "seed", "rate", "noise_shape", "momentum", "synchronized",
    "quantization_config", "build_input_shape", "renorm_momentum", "renorm_clipping",
    "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
    "activity_regularizer", "kernel_constraint", "bias_constraint", "beta_initializer",
    "gamma_initializer", "moving_mean_initializer", "moving_variance_initializer",
    "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint"})


@dataclass(frozen=True)
class Layer:
    """One row of a layer table, as the verifier reads it."""

    kind: str
    config: Mapping[str, Any]
    own: bool
    children: tuple[Layer, ...] = ()
    weights: tuple[tuple[str, tuple[int, ...]], ...] = ()
    """A student's own layer's weights as the table declares them: (name, shape) in
    ``get_weights`` order (what :mod:`autograder.judge.blocks` matches to its parts)."""


@dataclass(frozen=True)
class Weight:
    """A weight the model must have: its role (``kernel``, ``bias``, ``gamma``...) and shape."""

    role: str
    shape: tuple[int, ...]


@dataclass(frozen=True)
class Traced:
    """A layer with the input and output shapes (no batch axis) and weights the verifier derived."""

    layer: Layer
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    weights: tuple[Weight, ...]
    children: tuple[Traced, ...] = ()
    plan: Plan | None = None
    """For a student's own composite block: the reference computation it must match."""

    @property
    def all_weights(self) -> list[Weight]:
        """This layer's weights and its children's, in ``get_weights`` order."""
        return [*self.weights, *(w for child in self.children for w in child.all_weights)]

    @property
    def params(self) -> int:
        return sum(math.prod(w.shape) for w in self.all_weights)


# --- reading the table -------------------------------------------------------------------


def parse_table(rows: Any, depth: int = 0) -> list[Layer]:
    """The ``describe`` layers (class, ancestry, config, optional children) as :class:`Layer`.

    A layer is the student's own when its class is not defined in a ``keras``
    module (the first entry of its ancestry).
    """
    if not isinstance(rows, list):
        raise Unverifiable("bảng các tầng không phải là một danh sách")
    layers = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict) or not isinstance(row.get("class"), str):
            raise Unverifiable(f"dòng {index + 1} của bảng các tầng không đọc được")
        ancestry = row.get("ancestry")
        first = ancestry[0] if isinstance(ancestry, list) and ancestry else ""
        own = not (isinstance(first, str) and first.startswith("keras."))
        config = row.get("config")
        children: tuple[Layer, ...] = ()
        if "children" in row:
            if depth > 0:
                raise Unverifiable("trình kiểm tra chỉ đọc một mức Sequential lồng nhau")
            children = tuple(parse_table(row["children"], depth + 1))
        elif row["class"] == "Sequential" and not own:
            raise Unverifiable(f"dòng {index + 1} là một Sequential không kèm các tầng của nó "
                               "(trình kiểm tra chỉ đọc một mức Sequential lồng nhau)")
        layers.append(Layer(row["class"], config if isinstance(config, dict) else {}, own,
                            children, _declared_weights(index, row.get("weights", []))))
    return layers


def _declared_weights(index: int, value: Any) -> tuple[tuple[str, tuple[int, ...]], ...]:
    if not isinstance(value, list) or not all(
            isinstance(w, dict) and isinstance(w.get("name"), str)
            and isinstance(w.get("shape"), list)
            and all(isinstance(d, int) and not isinstance(d, bool) and d >= 0
                    for d in w["shape"]) for w in value):
        raise Unverifiable(f"dòng {index + 1}: danh sách trọng số không đọc được")
    return tuple((w["name"], tuple(w["shape"])) for w in value)


def position(index: int, layer: Layer) -> str:
    """Where a layer sits, for a message: ``tầng thứ 3 (Dense)``."""
    return f"tầng thứ {index + 1} ({layer.kind})"


def check_keys(where: str, config: Mapping[str, Any], read: set[str]) -> None:
    unknown = sorted(set(config) - read - _IGNORED)
    if unknown:
        raise Unverifiable(f"{where} có thiết lập {unknown} mà trình kiểm tra không dựng lại")


def read_pair(where: str, config: Mapping[str, Any], key: str,
              default: Any = None) -> tuple[int, int]:
    """A size or stride setting as two positive integers (one integer means both)."""
    value = config.get(key, default)
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value, value]
    if (not isinstance(value, list | tuple) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)):
        raise Unverifiable(f"{where}: {key} = {value!r} không phải hai số nguyên dương")
    return int(value[0]), int(value[1])


def _choice(where: str, config: Mapping[str, Any], key: str, allowed: Sequence[Any],
            default: Any) -> Any:
    value = config.get(key, default)
    if isinstance(value, list):
        value = tuple(value)
    try:
        known = value in allowed
    except (ValueError, TypeError):  # an array's comparison has no single truth value
        known = False
    if not known:
        raise Unverifiable(
            f"{where}: {key} = {value!r}, trình kiểm tra chỉ dựng lại {list(allowed)}"[:500])
    return value


def _activation(where: str, config: Mapping[str, Any]) -> str | None:
    value = config.get("activation")
    if not isinstance(value, str | None) or value not in ACTIVATIONS:
        raise Unverifiable(f"{where}: hàm kích hoạt {value!r} không nằm trong "
                           f"{sorted(k for k in ACTIVATIONS if k)}")
    return value


def positive(where: str, config: Mapping[str, Any], key: str) -> int:
    value = config.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise Unverifiable(f"{where}: {key} = {value!r} không phải số nguyên dương")
    return value


def read_epsilon(where: str, layer: Layer) -> float:
    """A batch norm's epsilon: the config's, else the default (the course's 1e-5 for the
    student's BatchNorm, Keras' 1e-3 for its own)."""
    value = layer.config.get("epsilon", 1e-5 if layer.own else 1e-3)
    epsilon = finite_number(value)
    if epsilon is None or epsilon < 0:
        raise Unverifiable(f"{where}: epsilon = {value!r} không phải số không âm")
    return epsilon


def finite_number(value: Any) -> float | None:
    """``value`` as a finite float, or None when it is not a number (a bool is not) or is
    too large for a float (an integer such as ``10**400``), infinite or NaN."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _window_out(size: int, window: int, stride: int, padding: str) -> int:
    if padding == "same":
        return -(-size // stride)
    return (size - window) // stride + 1


# --- shapes and weights ------------------------------------------------------------------


# autograder.judge.blocks builds its rules on this module's layers and imports it, so it
# is imported where first needed, not at the top.
def _is_block(kind: str) -> bool:
    from autograder.judge import blocks

    return kind in blocks.RULES


def _trace_block(where: str, layer: Layer, shape: tuple[int, ...]) -> Traced:
    from autograder.judge import blocks

    return blocks.trace_block(where, layer, shape)


def _run_block(item: Traced, values: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    from autograder.judge import blocks

    return blocks.run_block(item, values, x)


def trace(layers: Sequence[Layer], input_shape: Sequence[int]) -> list[Traced]:
    """Each layer's output shape and weights, derived from the table and the input shape.

    Raises:
        Unverifiable: a layer kind or setting outside the whitelist, or one that
            does not fit its input.
    """
    shape = tuple(int(d) for d in input_shape)
    traced = []
    for index, layer in enumerate(layers):
        item = trace_layer(position(index, layer), layer, shape)
        traced.append(item)
        shape = item.output_shape
    return traced


def trace_layer(where: str, layer: Layer, shape: tuple[int, ...]) -> Traced:  # noqa: C901, PLR0912
    c, kind = layer.config, layer.kind
    weights: tuple[Weight, ...] = ()
    children: tuple[Traced, ...] = ()
    if layer.own:
        if kind == "Dropout":
            out = shape
        elif kind == "BatchNorm":
            read_epsilon(where, layer)
            channels = (shape[-1],)
            weights = tuple(Weight(role, channels) for role in
                            ("gamma", "beta", "moving_mean", "moving_variance"))
            out = shape
        elif _is_block(kind):
            return _trace_block(where, layer, shape)
        else:
            raise Unverifiable(f"{where} là lớp tự viết mà trình kiểm tra không có bản tham chiếu")
    elif kind == "InputLayer":
        check_keys(where, c, {"batch_shape", "sparse", "ragged", "optional"})
        batch_shape = c.get("batch_shape")
        if (not isinstance(batch_shape, list | tuple) or len(batch_shape) != len(shape) + 1
                or any(d is not None and d != s for d, s in zip(batch_shape[1:], shape,
                                                                 strict=True))):
            raise Unverifiable(f"{where}: batch_shape = {batch_shape!r} không khớp đầu vào {shape}")
        for key in ("sparse", "ragged", "optional"):
            _choice(where, c, key, (False,), False)
        out = shape
    elif kind == "Sequential":
        children = tuple(trace(layer.children, shape))
        out = children[-1].output_shape if children else shape
    elif kind == "Flatten":
        check_keys(where, c, {"data_format"})
        _choice(where, c, "data_format", ("channels_last", None), None)
        out = (math.prod(shape),)
    elif kind == "Reshape":
        check_keys(where, c, {"target_shape"})
        out = _reshaped(where, c.get("target_shape"), shape)
    elif kind == "Dense":
        check_keys(where, c, {"units", "activation", "use_bias"})
        units = positive(where, c, "units")
        _activation(where, c)
        if not shape:
            raise Unverifiable(f"{where} nhận đầu vào vô hướng")
        weights = (Weight("kernel", (shape[-1], units)),)
        if c.get("use_bias", True) is not False:
            weights += (Weight("bias", (units,)),)
        out = (*shape[:-1], units)
    elif kind == "Conv2D":
        check_keys(where, c, {"filters", "kernel_size", "strides", "padding", "data_format",
                         "dilation_rate", "groups", "activation", "use_bias"})
        if len(shape) != 3:
            raise Unverifiable(f"{where} cần đầu vào (cao, rộng, kênh), nhận {shape}")
        filters = positive(where, c, "filters")
        kh, kw = read_pair(where, c, "kernel_size")
        sh, sw = read_pair(where, c, "strides", 1)
        padding = _choice(where, c, "padding", ("valid", "same"), "valid")
        _choice(where, c, "data_format", ("channels_last", None), None)
        _choice(where, c, "dilation_rate", ((1, 1), 1), (1, 1))
        _choice(where, c, "groups", (1,), 1)
        _activation(where, c)
        weights = (Weight("kernel", (kh, kw, shape[2], filters)),)
        if c.get("use_bias", True) is not False:
            weights += (Weight("bias", (filters,)),)
        out = (_window_out(shape[0], kh, sh, padding), _window_out(shape[1], kw, sw, padding),
               filters)
    elif kind in ("MaxPooling2D", "AveragePooling2D"):
        check_keys(where, c, {"pool_size", "strides", "padding", "data_format"})
        if len(shape) != 3:
            raise Unverifiable(f"{where} cần đầu vào (cao, rộng, kênh), nhận {shape}")
        ph, pw = read_pair(where, c, "pool_size", 2)
        sh, sw = (read_pair(where, c, "strides", (ph, pw)) if c.get("strides") is not None
                  else (ph, pw))
        padding = _choice(where, c, "padding", ("valid", "same"), "valid")
        _choice(where, c, "data_format", ("channels_last", None), None)
        out = (_window_out(shape[0], ph, sh, padding), _window_out(shape[1], pw, sw, padding),
               shape[2])
    elif kind == "GlobalAveragePooling2D":
        check_keys(where, c, {"data_format", "keepdims"})
        _choice(where, c, "data_format", ("channels_last", None), None)
        if len(shape) != 3:
            raise Unverifiable(f"{where} cần đầu vào (cao, rộng, kênh), nhận {shape}")
        out = (1, 1, shape[2]) if c.get("keepdims") is True else (shape[2],)
    elif kind == "Activation":
        check_keys(where, c, {"activation"})
        _activation(where, c)
        out = shape
    elif kind == "ReLU":
        check_keys(where, c, {"max_value", "negative_slope", "threshold"})
        _choice(where, c, "max_value", (None,), None)
        _choice(where, c, "negative_slope", (0, 0.0), 0.0)
        _choice(where, c, "threshold", (0, 0.0), 0.0)
        out = shape
    elif kind == "Dropout":
        check_keys(where, c, set())
        out = shape
    elif kind == "BatchNormalization":
        check_keys(where, c, {"axis", "epsilon", "center", "scale", "renorm"})
        _choice(where, c, "axis", (-1, len(shape), (-1,), (len(shape),)), -1)
        _choice(where, c, "renorm", (False,), False)
        read_epsilon(where, layer)
        channels = (shape[-1],)
        if c.get("scale", True) is not False:
            weights += (Weight("gamma", channels),)
        if c.get("center", True) is not False:
            weights += (Weight("beta", channels),)
        weights += (Weight("moving_mean", channels), Weight("moving_variance", channels))
        out = shape
    else:
        raise Unverifiable(f"{where} không phải tầng mà trình kiểm tra dựng lại được")
    if any(d <= 0 for d in out):
        raise Unverifiable(f"{where} cho kích thước {out}: đầu vào {shape} quá nhỏ")
    return Traced(layer, shape, out, weights, children)


def _reshaped(where: str, target: Any, shape: tuple[int, ...]) -> tuple[int, ...]:
    if not isinstance(target, list | tuple) or not all(
            isinstance(d, int) and not isinstance(d, bool) and (d > 0 or d == -1) for d in target):
        raise Unverifiable(f"{where}: target_shape = {target!r} không đọc được")
    known = math.prod(d for d in target if d != -1)
    size = math.prod(shape)
    if list(target).count(-1) > 1 or size % known:
        raise Unverifiable(f"{where}: không đổi được {shape} thành {tuple(target)}")
    out = tuple(size // known if d == -1 else d for d in target)
    if math.prod(out) != size:
        raise Unverifiable(f"{where}: không đổi được {shape} thành {tuple(target)}")
    return out


def _flat(traced: Sequence[Traced]) -> list[Weight]:
    return [w for item in traced for w in item.all_weights]


def draw_weights(traced: Sequence[Traced], rng: np.random.Generator) -> list[np.ndarray]:
    """Weights of the traced shapes, in ``get_weights`` order, scaled so activations stay O(1).

    Kernels are normal with variance 2 / fan-in; biases and ``beta`` normal
    (σ = 0.2); ``gamma`` uniform in [0.5, 1.5]; moving means normal (σ = 0.2),
    moving variances uniform in [0.5, 2]: every one of them changes the output.
    The arrays are float16: every value is exact in the model's float32 (Keras'
    ``set_weights`` casts), and AlexNet's 46.8 M weights take 94 MB to send, not 187.
    """
    specs = _flat(traced)
    total = sum(math.prod(w.shape) for w in specs)
    if total > MAX_VERIFIED_PARAMS:
        raise Unverifiable(f"mô hình có {total:,} tham số, quá {MAX_VERIFIED_PARAMS:,} để kiểm tra")
    drawn = []
    for w in specs:
        if w.role == "kernel":
            fan_in = math.prod(w.shape[:-1])
            scale = np.float32(math.sqrt(2 / fan_in))
            value = rng.standard_normal(w.shape, dtype=np.float32) * scale
        elif w.role == "gamma":
            value = rng.uniform(0.5, 1.5, w.shape).astype(np.float32)
        elif w.role == "moving_variance":
            value = rng.uniform(0.5, 2.0, w.shape).astype(np.float32)
        else:  # bias, beta, moving_mean
            value = rng.normal(0.0, 0.2, w.shape).astype(np.float32)
        drawn.append(np.asarray(value, dtype=np.float16))
    return drawn


# --- inference ---------------------------------------------------------------------------


def run(traced: Sequence[Traced], weights: Sequence[np.ndarray], x: np.ndarray) -> np.ndarray:
    """The inference-mode outputs of the traced model with ``weights`` on ``x`` (float32).

    Raises:
        Unverifiable: ``weights`` do not have the traced shapes, or ``x`` not the input shape.
    """
    specs = _flat(traced)
    if len(weights) != len(specs) or any(
            np.shape(w) != s.shape for w, s in zip(weights, specs, strict=False)):
        raise Unverifiable("các trọng số không có kích thước mà bảng các tầng cần")
    out = np.asarray(x, dtype=np.float32)
    if traced and out.shape[1:] != traced[0].input_shape:
        raise Unverifiable(
            f"đầu vào có kích thước {out.shape[1:]}, bảng cần {traced[0].input_shape}")
    remaining = [np.asarray(w, dtype=np.float32) for w in weights]
    for item in traced:
        out = run_layer(item, remaining, out)
    return out


def _take(remaining: list[np.ndarray], count: int) -> list[np.ndarray]:
    taken = remaining[:count]
    del remaining[:count]
    return taken


def run_layer(item: Traced, remaining: list[np.ndarray], x: np.ndarray) -> np.ndarray:  # noqa: PLR0911
    layer, c = item.layer, item.layer.config
    if item.plan is not None:
        return _run_block(item, _take(remaining, len(item.weights)), x)
    if layer.kind == "Sequential" and not layer.own:
        for child in item.children:
            x = run_layer(child, remaining, x)
        return x
    weights = _take(remaining, len(item.weights))
    named = {spec.role: value for spec, value in zip(item.weights, weights, strict=True)}
    if layer.kind in ("Dropout", "InputLayer"):
        return x
    if layer.kind in ("BatchNorm", "BatchNormalization"):
        epsilon = read_epsilon(layer.kind, layer)  # checked by trace
        scale = named.get("gamma", np.float32(1.0)) / np.sqrt(named["moving_variance"] + epsilon)
        return np.asarray((x - named["moving_mean"]) * scale + named.get("beta", np.float32(0.0)),
                          dtype=np.float32)
    if layer.kind == "Flatten":
        return x.reshape(len(x), -1)
    if layer.kind == "Reshape":
        return x.reshape(len(x), *item.output_shape)
    if layer.kind == "Dense":
        return ACTIVATIONS[c.get("activation")](x @ named["kernel"] + named.get("bias", 0.0))
    if layer.kind == "Conv2D":
        kh, kw, _, _ = named["kernel"].shape
        windows = _windows(x, (kh, kw), read_pair("", c, "strides", 1),
                           c.get("padding", "valid"), 0.0)
        out = np.tensordot(windows, named["kernel"], axes=([4, 5, 3], [0, 1, 2]))
        return ACTIVATIONS[c.get("activation")](out + named.get("bias", 0.0))
    if layer.kind in ("MaxPooling2D", "AveragePooling2D"):
        pool = read_pair("", c, "pool_size", 2)
        strides = read_pair("", c, "strides") if c.get("strides") is not None else pool
        padding = c.get("padding", "valid")
        if layer.kind == "MaxPooling2D":
            return np.asarray(_windows(x, pool, strides, padding, -np.inf).max(axis=(4, 5)))
        sums = _windows(x, pool, strides, padding, 0.0).sum(axis=(4, 5))
        ones = np.ones_like(x[:1, ..., :1])
        counts = _windows(ones, pool, strides, padding, 0.0).sum(axis=(4, 5))
        return np.asarray(sums / counts, dtype=np.float32)
    if layer.kind == "GlobalAveragePooling2D":
        return np.asarray(x.mean(axis=(1, 2), keepdims=c.get("keepdims") is True))
    if layer.kind == "Activation":
        return ACTIVATIONS[c.get("activation")](x)
    if layer.kind == "ReLU":
        return _relu(x)
    raise Unverifiable(f"{layer.kind} không phải tầng mà trình kiểm tra dựng lại được")


def _windows(x: np.ndarray, window: tuple[int, int], strides: tuple[int, int], padding: str,
             fill: float) -> np.ndarray:
    """``(batch, out_h, out_w, channels, win_h, win_w)`` views, with TensorFlow's 'same' padding."""
    if padding == "same":
        pads = []
        for size, win, stride in zip(x.shape[1:3], window, strides, strict=True):
            total = max((-(-size // stride) - 1) * stride + win - size, 0)
            pads.append((total // 2, total - total // 2))
        x = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)), constant_values=fill)
    views = sliding_window_view(x, window, axis=(1, 2))
    return np.asarray(views[:, ::strides[0], ::strides[1]])

