"""A judge-side check shared by graders: a model's layers against the book's table.

TRUSTED SIDE. The runner passes zeros through the student's ``keras.Sequential``
layer by layer (probe ``describe``), so output shapes are observed rather than
declared; this module compares them, the layer classes and the parameter count
with the expected table and raises ``AssertionError`` with a Vietnamese message
for the student.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from autograder.judge.client import RunnerClient

__all__ = ["LayerRow", "check_layer_table"]

#: (layer class name, output shape without the batch axis)
LayerRow = tuple[str, tuple[int, ...]]


def check_layer_table(runner: RunnerClient, builder: str, batch_sizes: Sequence[int],
                      input_shape: Sequence[int], expected: Sequence[LayerRow], params: int,
                      kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """Describe one ``builder(**kwargs)`` on zeros of shape ``(batch, *input_shape)`` for each
    batch size, and compare every run with the table.

    Returns:
        The ``describe`` result (layers with their configs), for further checks.

    Raises:
        AssertionError: naming the first layer whose class or output shape
            differs, a different number of layers, or a different parameter count.
    """
    info = runner.probe("describe", builder=builder, input_shape=[batch_sizes[0], *input_shape],
                        batch_sizes=list(batch_sizes), kwargs=kwargs or {})
    runs = info.get("runs") if isinstance(info, dict) else None
    if not isinstance(runs, list) or len(runs) != len(batch_sizes):
        raise AssertionError(f"{builder}() phải trả về một keras.Sequential.")
    for batch, run in zip(batch_sizes, runs, strict=True):
        _compare(builder, batch, input_shape, expected, run)
    if info.get("params") != params:
        raise AssertionError(f"{builder}() có {info.get('params')} tham số, cần {params:,}.")
    return dict(info)


def _compare(builder: str, batch: int, input_shape: Sequence[int],
             expected: Sequence[LayerRow], run: Any) -> None:
    layers = run.get("layers") if isinstance(run, dict) else None
    if not isinstance(layers, list):
        raise AssertionError(f"{builder}() phải trả về một keras.Sequential.")
    got = [(str(layer.get("class")), tuple(layer.get("output_shape") or ()))
           if isinstance(layer, dict) else ("?", ()) for layer in layers]
    want = [(name, (batch, *shape)) for name, shape in expected]
    where = f"{builder}() trên đầu vào ({batch}, {', '.join(map(str, input_shape))})"
    # Explicit raises, not `assert`: the verdict must not depend on python -O.
    for position, (have, need) in enumerate(zip(got, want, strict=False)):
        if have != need:
            raise AssertionError(
                f"{where}: tầng thứ {position + 1} là {have[0]} cho {have[1]}, cần {need[0]} "
                f"cho {need[1]} (NHWC: batch, cao, rộng, kênh).")
    if len(got) != len(want):
        raise AssertionError(
            f"{where} có {len(got)} tầng, cần {len(want)}: {[name for name, _ in want]}.")
