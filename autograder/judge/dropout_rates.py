"""What a verified model's dropout layers drop in training mode, measured on the judge's weights.

TRUSTED SIDE. A layer table declares each dropout layer's rate, and the judge's
training uses it, but the table is the runner's word and a rate changes no
inference output, so the verifier cannot see it. This module measures it.
For a verified chain of ``Dense`` and ``Dropout`` layers (``Flatten`` and
``InputLayer`` may sit in between), the judge chooses the weights: every
``Dense`` before dropout layer *k* gets kernel 0 and bias 1, so the input of
dropout *k* is exactly 1 in every unit whatever came before; every ``Dense``
after it gets an identity kernel and bias 0 (with ReLU or no activation), so
each unit reaches the output unchanged or zeroed by a later dropout. The
student's model runs in training mode on many rows of zeros (probe
``forward``), and the fraction of output units that are not zero is the
product of the keep probabilities of dropout *k* and every dropout after it.
One experiment per dropout layer, from the last one back, gives each layer's
own rate. Each fraction must be within six standard deviations of the rates
the check expects (binomial, one sample per row and output unit).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograder.judge.client import RunnerClient
from autograder.judge.layer_tables import VerifiedModel

__all__ = ["check_dropout_rates", "measured_rates"]

#: Rows of zeros per experiment; with 10 output units, 10,000 samples (σ ≤ 0.005).
ROWS = 1000


def _weights(model: VerifiedModel, dropout: int, what: str) -> list[np.ndarray]:
    """The judge's weights for the experiment on the layer at index ``dropout``."""
    weights: list[np.ndarray] = []
    reset = False
    for index, item in enumerate(model.layers):
        kind = item.layer.kind
        if kind in ("InputLayer", "Flatten", "Dropout"):
            continue
        roles = [w.role for w in item.weights]
        if kind != "Dense" or roles != ["kernel", "bias"]:
            raise AssertionError(
                f"{what}: trình chấm chỉ đo được tỉ lệ dropout của một chuỗi Dense (có bias) "
                f"và Dropout; tầng thứ {index + 1} là {kind}.")
        if item.layer.config.get("activation") not in ("relu", "linear", None):
            raise AssertionError(
                f"{what}: tầng ẩn thứ {index + 1} phải dùng relu (hoặc không có hàm kích hoạt) "
                "để trình chấm đo được tỉ lệ dropout.")
        n_in, n_out = item.weights[0].shape
        if index < dropout:
            weights += [np.zeros((n_in, n_out), np.float32), np.ones(n_out, np.float32)]
            reset = True
        else:
            weights += [np.eye(n_in, n_out, dtype=np.float32), np.zeros(n_out, np.float32)]
    if not reset:
        raise AssertionError(f"{what}: tầng thứ {dropout + 1} (Dropout) không đứng sau một "
                             "tầng Dense.")
    return weights


def _survival(runner: RunnerClient, builder: str, model: VerifiedModel,
              input_shape: Sequence[int], dropout: int, kwargs: dict[str, Any] | None,
              what: str) -> tuple[float, int]:
    """Fraction of output units not zeroed, and the number of samples, for one experiment."""
    x = np.zeros((ROWS, *input_shape), np.float32)
    reply = runner.probe("forward", builder=builder, inputs=x,
                         weights=_weights(model, dropout, what), kwargs=kwargs or {},
                         training=True)
    out = runner.array(reply["outputs"], f"{what}(X, training=True)")
    if out.shape != (ROWS, *model.output_shape):
        raise AssertionError(f"{what}(X, training=True) cho kích thước {out.shape}, cần "
                             f"{(ROWS, *model.output_shape)}.")
    return float(np.mean(out != 0)), int(out.size)


def measured_rates(survivals: Sequence[float]) -> list[float | None]:
    """Each layer's drop rate from the experiments' surviving fractions (None where a later
    layer dropped everything, so this one cannot be told)."""
    rates: list[float | None] = []
    for k, survived in enumerate(survivals):
        later = survivals[k + 1] if k + 1 < len(survivals) else 1.0
        rates.append(1.0 - survived / later if later > 0 else None)
    return rates


def check_dropout_rates(runner: RunnerClient, builder: str, model: VerifiedModel,
                        input_shape: Sequence[int], rates: Sequence[float], what: str,
                        kwargs: dict[str, Any] | None = None) -> list[float | None]:
    """Require ``builder(**kwargs)``'s dropout layers (``model``: its verified layers) to drop
    ``rates`` of their inputs in training mode, in order.

    Returns:
        The measured rate of each dropout layer (for a message).

    Raises:
        AssertionError: (Vietnamese) another number of dropout layers, a chain the
            experiment cannot be set up for, or a fraction too far from ``rates``.
    """
    positions = [i for i, item in enumerate(model.layers) if item.layer.kind == "Dropout"]
    if len(positions) != len(rates):
        raise AssertionError(f"{what} có {len(positions)} tầng Dropout, cần {len(rates)}.")
    survivals, bad = [], False
    for k, position in enumerate(positions):
        survived, samples = _survival(runner, builder, model, input_shape, position, kwargs,
                                      what)
        expected = math.prod(1.0 - r for r in rates[k:])
        sigma = math.sqrt(expected * (1.0 - expected) / samples)
        bad = bad or abs(survived - expected) > 6 * sigma + 1e-9
        survivals.append(survived)
    measured = measured_rates(survivals)
    if bad:
        shown = ", ".join("?" if r is None else f"{r:.3f}" for r in measured)
        raise AssertionError(
            f"Ở chế độ huấn luyện, các tầng Dropout của {what} bỏ khoảng [{shown}] số phần tử, "
            f"cần {list(rates)}: mỗi tầng phải dùng đúng tỉ lệ được truyền vào.")
    return measured
