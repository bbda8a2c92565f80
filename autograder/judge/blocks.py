"""Reference semantics of the course's own composite blocks, for the verifier.

TRUSTED SIDE. 07_modern_cnn's networks are made of blocks the student writes
as Keras layers: ``Residual`` and ``ResnetBlock`` (d2l §7.6), ``Inception``
(§7.4), ``DenseBlock`` and ``TransitionBlock`` (§7.7). The verifier cannot
read what a student's ``call`` computes; instead it knows what each block
must compute, as the book and the notebook define it, from the block's own
constructor arguments (Keras records them in ``get_config``). A rule here
turns those arguments and the block's input shape into the block's parts
(built-in Keras layers, traced by :func:`autograder.judge.verifier.trace_layer`)
and its wiring (``forward``). The check then runs the student's model with the
judge's weights and requires the same outputs, so a match proves the
student's block, as it proves the student's ``BatchNorm``.

Which drawn weight goes to which part: the table lists each own block's
weights (name and shape, in ``get_weights`` order, which is the order the
block created its sublayers in). Each run of weights is matched to the first
part, in the book's order, with the same weights: ``conv1`` before ``conv2``,
``bn1`` before ``bn2``, path 1 before path 2, so a block that creates its
sublayers in the order it uses them (any attribute names, lists, extra
weightless layers such as ``Add`` or ``Concatenate``) is matched as it is.
A block with other weights, more or fewer, is :class:`Unverifiable`, naming
the first weight that fits no part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder.judge.verifier import (
    Layer,
    Traced,
    Unverifiable,
    Weight,
    check_keys,
    positive,
    read_pair,
    run_layer,
    trace_layer,
)

__all__ = ["RULES", "Plan", "run_block", "trace_block"]

#: ``forward(apply, x)``: the block's output, where ``apply(role, value)`` runs one part.
Forward = Callable[[Callable[[str, np.ndarray], np.ndarray], np.ndarray], np.ndarray]
Shape = tuple[int, ...]


@dataclass(frozen=True)
class Plan:
    """A block's reference computation: its parts by role, in the book's order, and wiring."""

    parts: Mapping[str, Traced]
    forward: Forward
    slots: tuple[tuple[str, int], ...] = ()
    """For each of the block's weights, in the student's order: (part path, index in it)."""


class _Parts:
    """Collects a block's parts, each traced on the input it receives."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.parts: dict[str, Traced] = {}

    def layer(self, role: str, kind: str, shape: Shape, **config: Any) -> Shape:
        item = trace_layer(f"{self.where}, {role}", Layer(kind, config, own=False), shape)
        self.parts[role] = item
        return item.output_shape

    def block(self, role: str, kind: str, shape: Shape, **config: Any) -> Shape:
        parts, forward, out = RULES[kind](f"{self.where}, {role}", config, shape)
        weights = tuple(w for _, leaf in _leaves(parts) for w in leaf.weights)
        self.parts[role] = Traced(Layer(kind, config, own=True), shape, out, weights,
                                  plan=Plan(parts, forward))
        return out


def _relu(x: np.ndarray) -> np.ndarray:
    return np.asarray(np.maximum(x, 0.0), dtype=np.float32)


def _flag(where: str, config: Mapping[str, Any], key: str, default: bool) -> bool:
    value = config.get(key, default)
    if not isinstance(value, bool):
        raise Unverifiable(f"{where}: {key} = {value!r} không phải True hay False")
    return value


def _two_positive(where: str, config: Mapping[str, Any], key: str) -> tuple[int, int]:
    value = config.get(key)
    if (not isinstance(value, list | tuple) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)):
        raise Unverifiable(f"{where}: {key} = {value!r} không phải hai số nguyên dương")
    return int(value[0]), int(value[1])


Rule = Callable[[str, Mapping[str, Any], Shape], tuple[dict[str, Traced], Forward, Shape]]


def _residual(where: str, config: Mapping[str, Any], shape: Shape
              ) -> tuple[dict[str, Traced], Forward, Shape]:
    """§7.6: relu(bn2(conv2(relu(bn1(conv1(X))))) + shortcut), the convs 3×3 'same' with
    ``num_channels`` (conv1 with ``strides``); the shortcut is X, or with ``use_1x1conv``
    conv3 (1×1, ``strides``). The batch norms are Keras' own."""
    check_keys(where, config, {"num_channels", "use_1x1conv", "strides"})
    channels = positive(where, config, "num_channels")
    projection = _flag(where, config, "use_1x1conv", False)
    strides = list(read_pair(where, config, "strides", 1))
    p = _Parts(where)
    out = p.layer("conv1", "Conv2D", shape, filters=channels, kernel_size=3, strides=strides,
                  padding="same")
    out = p.layer("bn1", "BatchNormalization", out)
    out = p.layer("conv2", "Conv2D", out, filters=channels, kernel_size=3, padding="same")
    out = p.layer("bn2", "BatchNormalization", out)
    if projection:
        p.layer("conv3", "Conv2D", shape, filters=channels, kernel_size=1, strides=strides)
    elif out != shape:
        raise Unverifiable(f"{where}: không có tích chập 1×1 thì nhánh tắt giữ kích thước "
                           f"{shape}, nhánh chính cho {out}: cần use_1x1conv=True")

    def forward(apply: Callable[[str, np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
        y = apply("bn2", apply("conv2", _relu(apply("bn1", apply("conv1", x)))))
        return _relu(y + (apply("conv3", x) if projection else x))

    return p.parts, forward, out


def _resnet_block(where: str, config: Mapping[str, Any], shape: Shape
                  ) -> tuple[dict[str, Traced], Forward, Shape]:
    """§7.6: ``num_residuals`` residual blocks with ``num_channels``; the first halves height
    and width through a 1×1 shortcut (strides 2), unless ``first_block``."""
    check_keys(where, config, {"num_channels", "num_residuals", "first_block"})
    channels = positive(where, config, "num_channels")
    count = positive(where, config, "num_residuals")
    first_block = _flag(where, config, "first_block", False)
    p = _Parts(where)
    for i in range(count):
        downsample = i == 0 and not first_block
        shape = p.block(f"residual{i + 1}", "Residual", shape, num_channels=channels,
                        use_1x1conv=downsample, strides=2 if downsample else 1)
    return p.parts, _chain(list(p.parts)), shape


def _inception(where: str, config: Mapping[str, Any], shape: Shape
               ) -> tuple[dict[str, Traced], Forward, Shape]:
    """§7.4: four paths concatenated on the channel axis, in order: 1×1 conv (c1); 1×1
    (c2[0]) then 3×3 'same' (c2[1]); 1×1 (c3[0]) then 5×5 'same' (c3[1]); 3×3 max pooling
    (stride 1, 'same') then 1×1 (c4). Every conv has ReLU."""
    check_keys(where, config, {"c1", "c2", "c3", "c4"})
    c1, c4 = positive(where, config, "c1"), positive(where, config, "c4")
    c2, c3 = _two_positive(where, config, "c2"), _two_positive(where, config, "c3")
    p = _Parts(where)
    relu = {"activation": "relu"}
    p.layer("path1", "Conv2D", shape, filters=c1, kernel_size=1, **relu)
    mid = p.layer("path2_1", "Conv2D", shape, filters=c2[0], kernel_size=1, **relu)
    p.layer("path2_2", "Conv2D", mid, filters=c2[1], kernel_size=3, padding="same", **relu)
    mid = p.layer("path3_1", "Conv2D", shape, filters=c3[0], kernel_size=1, **relu)
    p.layer("path3_2", "Conv2D", mid, filters=c3[1], kernel_size=5, padding="same", **relu)
    mid = p.layer("path4_1", "MaxPooling2D", shape, pool_size=3, strides=1, padding="same")
    p.layer("path4_2", "Conv2D", mid, filters=c4, kernel_size=1, **relu)

    def forward(apply: Callable[[str, np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
        return np.concatenate([apply("path1", x), apply("path2_2", apply("path2_1", x)),
                               apply("path3_2", apply("path3_1", x)),
                               apply("path4_2", apply("path4_1", x))], axis=-1)

    return p.parts, forward, (*shape[:-1], c1 + c2[1] + c3[1] + c4)


def _conv_block(where: str, config: Mapping[str, Any], shape: Shape
                ) -> tuple[dict[str, Traced], Forward, Shape]:
    """§7.7: [X, conv(relu(bn(X)))] on the channel axis, the conv 3×3 'same' with
    ``num_channels``."""
    check_keys(where, config, {"num_channels"})
    channels = positive(where, config, "num_channels")
    p = _Parts(where)
    out = p.layer("bn", "BatchNormalization", shape)
    out = p.layer("conv", "Conv2D", out, filters=channels, kernel_size=3, padding="same")

    def forward(apply: Callable[[str, np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
        return np.concatenate([x, apply("conv", _relu(apply("bn", x)))], axis=-1)

    return p.parts, forward, (*out[:-1], shape[-1] + channels)


def _dense_block(where: str, config: Mapping[str, Any], shape: Shape
                 ) -> tuple[dict[str, Traced], Forward, Shape]:
    """§7.7: ``num_convs`` conv blocks, each adding ``num_channels`` channels after its input."""
    check_keys(where, config, {"num_convs", "num_channels"})
    count = positive(where, config, "num_convs")
    channels = positive(where, config, "num_channels")
    p = _Parts(where)
    for i in range(count):
        shape = p.block(f"conv_block{i + 1}", "ConvBlock", shape, num_channels=channels)
    return p.parts, _chain(list(p.parts)), shape


def _transition_block(where: str, config: Mapping[str, Any], shape: Shape
                      ) -> tuple[dict[str, Traced], Forward, Shape]:
    """§7.7: batch norm, ReLU, 1×1 conv with ``num_channels``, 2×2 average pooling stride 2."""
    check_keys(where, config, {"num_channels"})
    channels = positive(where, config, "num_channels")
    p = _Parts(where)
    out = p.layer("bn", "BatchNormalization", shape)
    out = p.layer("conv", "Conv2D", out, filters=channels, kernel_size=1)
    out = p.layer("pool", "AveragePooling2D", out, pool_size=2, strides=2)

    def forward(apply: Callable[[str, np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
        return apply("pool", apply("conv", _relu(apply("bn", x))))

    return p.parts, forward, out


def _chain(roles: list[str]) -> Forward:
    def forward(apply: Callable[[str, np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
        for role in roles:
            x = apply(role, x)
        return x

    return forward


#: The student's block classes the verifier has a reference for, by class name (the names
#: 07's notebook gives them).
RULES: dict[str, Rule] = {
    "Residual": _residual, "ResnetBlock": _resnet_block, "Inception": _inception,
    "ConvBlock": _conv_block, "DenseBlock": _dense_block, "TransitionBlock": _transition_block}


def _leaves(parts: Mapping[str, Traced], prefix: str = "") -> Iterator[tuple[str, Traced]]:
    """The parts with weights, nested blocks' included, as (path, part) in the book's order."""
    for role, part in parts.items():
        if part.plan is not None:
            yield from _leaves(part.plan.parts, f"{prefix}{role}/")
        elif part.weights:
            yield f"{prefix}{role}", part


def trace_block(where: str, layer: Layer, shape: Shape) -> Traced:
    """The student's block ``layer`` as its reference: parts, output shape, and its weights
    in the order it declares them, each matched to a part.

    Raises:
        Unverifiable: arguments the rule does not read, a shape the block cannot take, or
            declared weights that are not exactly the reference parts' weights.
    """
    parts, forward, out = RULES[layer.kind](where, layer.config, shape)
    pending = list(_leaves(parts))
    weights: list[Weight] = []
    slots: list[tuple[str, int]] = []
    declared, index = list(layer.weights), 0
    while index < len(declared):
        for k, (path, leaf) in enumerate(pending):
            signature = [(w.role, w.shape) for w in leaf.weights]
            if declared[index:index + len(signature)] == signature:
                weights.extend(leaf.weights)
                slots.extend((path, j) for j in range(len(signature)))
                index += len(signature)
                del pending[k]
                break
        else:
            name, weight_shape = declared[index]
            raise Unverifiable(
                f"{where}: trọng số thứ {index + 1} ({name}, {weight_shape}) không thuộc tầng "
                f"con nào của {layer.kind} như sách mô tả (các tầng con: "
                f"{', '.join(path for path, _ in _leaves(parts))})")
    if pending:
        raise Unverifiable(f"{where}: thiếu trọng số của các tầng con "
                           f"{', '.join(path for path, _ in pending)}")
    return Traced(layer, shape, out, tuple(weights), plan=Plan(parts, forward, tuple(slots)))


def run_block(item: Traced, values: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    """The block's reference output on ``x`` with ``values`` (its weights, in its order)."""
    assert item.plan is not None  # noqa: S101 - only traced blocks reach here
    by_part: dict[str, list[np.ndarray]] = {
        path: [np.empty(0, np.float32)] * len(leaf.weights)
        for path, leaf in _leaves(item.plan.parts)}
    for (path, j), value in zip(item.plan.slots, values, strict=True):
        by_part[path][j] = value
    return _evaluate(item.plan, by_part, "", x)


def _evaluate(plan: Plan, by_part: Mapping[str, list[np.ndarray]], prefix: str,
              x: np.ndarray) -> np.ndarray:
    def apply(role: str, value: np.ndarray) -> np.ndarray:
        part = plan.parts[role]
        if part.plan is not None:
            return _evaluate(part.plan, by_part, f"{prefix}{role}/", value)
        return run_layer(part, list(by_part.get(f"{prefix}{role}", [])), value)

    return np.asarray(plan.forward(apply, x), dtype=np.float32)
