"""Judge-side checks shared by graders: a model's layers, verified, against the book's table.

TRUSTED SIDE. The runner describes the student's model layer by layer (probe
``describe``: classes, configs, and the output shapes it observed passing
zeros through). That table is the runner's word. :func:`verify_model` turns
it into evidence: :mod:`autograder.judge.verifier` derives every layer's
output shape and weights from the table alone, the judge draws weights of
those shapes and fresh inputs, the student's model computes its outputs with
them (probe ``forward``), and they must equal what the verifier computes.
:func:`check_layer_table` compares the verified shapes and parameter count
with the expected table. Messages are Vietnamese, for the student.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder.judge import verifier
from autograder.judge.client import RunnerClient

__all__ = ["LayerRow", "VerifiedModel", "check_layer_table", "compare_rows", "family",
           "trace_table", "verify_model"]

#: (layer class name, output shape without the batch axis)
LayerRow = tuple[str, tuple[int, ...]]


@dataclass(frozen=True)
class VerifiedModel:
    """A model whose table the verifier rebuilt and whose outputs matched the rebuild."""

    table: dict[str, Any]
    """The runner's ``describe`` reply (settings the rebuild does not fix: dropout rates)."""
    layers: list[verifier.Traced]
    """The verifier's layers: kinds, configs, output shapes and weights it derived."""

    @property
    def rows(self) -> list[LayerRow]:
        """(class, output shape without the batch axis) per top-level layer (:func:`family`)."""
        return [(family(item.layer.kind, item.layer.config), item.output_shape)
                for item in self.layers]

    @property
    def params(self) -> int:
        return sum(item.params for item in self.layers)

    @property
    def output_shape(self) -> tuple[int, ...]:
        return self.layers[-1].output_shape if self.layers else ()


def _call(builder: str, kwargs: dict[str, Any] | None) -> str:
    args = ", ".join(f"{k}={v!r}" for k, v in (kwargs or {}).items())
    return f"{builder}({args})"


def trace_table(runner: RunnerClient, builder: str, input_shape: Sequence[int],
                kwargs: dict[str, Any] | None = None, batch: int = 2,
                table: dict[str, Any] | None = None,
                ) -> tuple[dict[str, Any], list[verifier.Traced]]:
    """Describe ``builder(**kwargs)`` (or take the ``describe`` reply ``table`` already
    fetched for it) and derive its shapes and weights with the verifier.

    Raises:
        AssertionError: the table names a layer or setting the verifier does not rebuild.
    """
    info = table if table is not None else runner.probe(
        "describe", builder=builder, input_shape=[batch, *input_shape], kwargs=kwargs or {})
    try:
        layers = verifier.trace(verifier.parse_table(info.get("layers")), input_shape)
    except verifier.Unverifiable as exc:
        raise AssertionError(
            f"{_call(builder, kwargs)}: trình chấm không dựng lại được mô hình từ các tầng nó "
            f"khai báo: {exc}.") from None
    return dict(info), layers


def verify_model(runner: RunnerClient, builder: str, input_shape: Sequence[int],
                 rng: np.random.Generator, kwargs: dict[str, Any] | None = None,
                 batch: int = 2, match_outputs: bool = True,
                 table: dict[str, Any] | None = None) -> VerifiedModel:
    """Rebuild ``builder(**kwargs)`` from its table and check it computes what the table says.

    The judge draws weights for the derived layers and inputs uniform in
    [0, 1) of shape ``(batch, *input_shape)`` from ``rng``; the student's model
    takes those weights (``set_weights`` refuses any other number or shape of
    weights) and runs with them at inference (``forward``); its outputs must
    have the rebuild's shape and, with ``match_outputs``, its values to
    ``rtol=1e-3`` (plus ``1e-3`` of the largest output). Without
    ``match_outputs`` the weights' shapes, and so the parameter count, are
    still proven, but not what the layers compute (a check of the count alone
    does not charge a wrong layer a second time). ``table``: the ``describe``
    reply for the same builder and arguments, when the check already has it.

    Raises:
        AssertionError: a table the verifier cannot rebuild, weights the model
            does not take, or outputs that differ from the rebuild.
    """
    call = _call(builder, kwargs)
    info, layers = trace_table(runner, builder, input_shape, kwargs, batch, table)
    try:
        weights = verifier.draw_weights(layers, rng)
    except verifier.Unverifiable as exc:
        raise AssertionError(f"{call}: {exc}.") from None
    x = rng.uniform(0.0, 1.0, size=(batch, *input_shape)).astype("float32")
    reply = runner.probe("forward", builder=builder, inputs=x, weights=weights,
                         kwargs=kwargs or {})
    outputs = runner.array(reply["outputs"], f"{call}(X, training=False)")
    try:
        expected = verifier.run(layers, weights, x)
    except verifier.Unverifiable as exc:  # the table's word, so the student's to fix
        raise AssertionError(f"{call}: {exc}.") from None
    if outputs.shape != expected.shape:
        raise AssertionError(
            f"{call}(X) cho kích thước {outputs.shape}, các tầng nó khai báo cho {expected.shape}.")
    tolerance = 1e-3 * max(1.0, float(np.max(np.abs(expected))))
    if match_outputs and not np.allclose(outputs, expected, rtol=1e-3, atol=tolerance):
        worst = float(np.max(np.abs(outputs - expected)))
        raise AssertionError(
            f"Ở chế độ suy luận, {call} không tính đúng điều các tầng nó khai báo (chênh lệch tới "
            f"{worst:.3g} với trọng số và đầu vào của trình chấm): hãy kiểm tra thứ tự các tầng, "
            "các thiết lập (padding, strides, hàm kích hoạt) và phần call của lớp tự viết.")
    return VerifiedModel(info, layers)


def check_layer_table(runner: RunnerClient, builder: str, batch_sizes: Sequence[int],
                      input_shape: Sequence[int], expected: Sequence[LayerRow], params: int,
                      kwargs: dict[str, Any] | None = None, *,
                      rng: np.random.Generator,
                      verify_kwargs: dict[str, Any] | None = None,
                      ) -> VerifiedModel | dict[str, Any]:
    """Compare ``builder(**kwargs)`` with the table, on zeros of shape ``(batch, *input_shape)``
    for each batch size.

    The runner's observed rows must match the table for each batch size, and
    so must the verifier's: the shapes and the parameter count compared are
    derived from the declared layers, and :func:`verify_model` runs the model
    with the judge's weights (drawn from ``rng``), on ``verify_kwargs`` where
    given (a smaller instance of the same builder, for a model too large to
    send weights for) and on ``kwargs`` otherwise.

    Returns:
        For further checks: the :class:`VerifiedModel` where the model itself was
        verified, else (``verify_kwargs``) the ``describe`` result.

    Raises:
        AssertionError: naming the first layer whose class or output shape
            differs, a different number of layers, a different parameter count,
            or a model that does not compute what its layers say.
    """
    info = runner.probe("describe", builder=builder, input_shape=[batch_sizes[0], *input_shape],
                        batch_sizes=list(batch_sizes), kwargs=kwargs or {})
    runs = info.get("runs") if isinstance(info, dict) else None
    if not isinstance(runs, list) or len(runs) != len(batch_sizes):
        raise AssertionError(f"{builder}() phải trả về một keras.Sequential.")
    for batch, run in zip(batch_sizes, runs, strict=True):
        _compare(builder, batch, input_shape, expected, run)
    result: VerifiedModel | dict[str, Any] = dict(info)
    if verify_kwargs is None:
        result = verify_model(runner, builder, input_shape, rng, kwargs, table=info)
        layers = result.layers
    else:
        layers = trace_table(runner, builder, input_shape, kwargs, table=info)[1]
        verify_model(runner, builder, input_shape, rng, verify_kwargs)
    compare_rows(f"{builder}() (các tầng trình chấm dựng lại từ khai báo)",
                 [(family(item.layer.kind, item.layer.config), item.output_shape)
                  for item in layers], expected)
    count = sum(item.params for item in layers)
    if count != params:
        raise AssertionError(f"{builder}() có {count} tham số, cần {params:,}.")
    return result


#: Separates the layer classes a row of a table accepts (``"AveragePooling2D|MaxPooling2D"``:
#: where the slides and the book build the same network with either).
ALTERNATIVES = "|"


def _matches(have: LayerRow, need: LayerRow) -> bool:
    return have[1] == need[1] and have[0] in need[0].split(ALTERNATIVES)


def family(kind: str, config: Any) -> str:
    """The row name of a layer: its class, except that ``Activation("relu")`` is a ``ReLU``
    (the book writes DenseNet's with one, the course's tables with the other)."""
    activation = config.get("activation") if isinstance(config, dict) else None
    return "ReLU" if kind == "Activation" and activation == "relu" else kind


def _without_noop_flatten(rows: Sequence[LayerRow]) -> list[LayerRow]:
    """``rows`` without a ``Flatten`` that changes nothing (after a layer whose output is
    already flat, such as ``GlobalAveragePooling2D``): the book's DenseNet has none there."""
    return [row for index, row in enumerate(rows)
            if not (row[0] == "Flatten" and index and rows[index - 1][1] == row[1])]


def compare_rows(where: str, got: Sequence[LayerRow], want: Sequence[LayerRow]) -> None:
    """Raise naming the first row of ``got`` that differs from ``want``, or a different count.

    Rows are compared by what the layers compute: a wanted class may name alternatives
    (:data:`ALTERNATIVES`), a ``Flatten`` of an already flat output counts on neither side,
    and the callers name rows with :func:`family`."""
    got, want = _without_noop_flatten(got), _without_noop_flatten(want)
    # Explicit raises, not `assert`: the verdict must not depend on python -O.
    for position, (have, need) in enumerate(zip(got, want, strict=False)):
        if not _matches(have, need):
            wanted = " hoặc ".join(need[0].split(ALTERNATIVES))
            raise AssertionError(
                f"{where}: tầng thứ {position + 1} là {have[0]} cho {have[1]}, cần {wanted} "
                f"cho {need[1]} (NHWC: batch, cao, rộng, kênh).")
    if len(got) != len(want):
        raise AssertionError(
            f"{where} có {len(got)} tầng, cần {len(want)}: {[name for name, _ in want]}.")


def _compare(builder: str, batch: int, input_shape: Sequence[int],
             expected: Sequence[LayerRow], run: Any) -> None:
    layers = run.get("layers") if isinstance(run, dict) else None
    if not isinstance(layers, list):
        raise AssertionError(f"{builder}() phải trả về một keras.Sequential.")
    got = [(family(str(layer.get("class")), layer.get("config")),
            tuple(layer.get("output_shape") or ()))
           if isinstance(layer, dict) else ("?", ()) for layer in layers]
    want = [(name, (batch, *shape)) for name, shape in expected]
    compare_rows(f"{builder}() trên đầu vào ({batch}, {', '.join(map(str, input_shape))})",
                 got, want)
