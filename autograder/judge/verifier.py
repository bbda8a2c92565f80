"""Re-execution by trusted code: rebuild a described model in NumPy and run it.

TRUSTED SIDE. A layer table (``describe``) is what the runner says a model is
made of; the runner is the student's process. This module takes that table and
the model's weights (exported by the runner as plain arrays) and computes the
model's inference-mode outputs itself, from a whitelist of layer kinds and
configuration keys, with no Keras deserialization and no student code. When
the rebuilt outputs equal the outputs the runner reports for the same inputs,
the table and the weights are a faithful account of the function the student's
model computes: a lying table would have to be consistent with the arithmetic.

Whitelist (anything else is :class:`Unverifiable`, which a check turns into a
failed check with its reason):

* ``Flatten``: reshape to (batch, -1);
* ``Dense``: ``x @ kernel + bias`` (``use_bias``), then ``activation`` in
  :data:`ACTIVATIONS`;
* a layer whose class name is ``Dropout`` and which has no weights: the
  identity, as every dropout is at inference (the student's own layer; whether
  it drops in training is checked by the dropout checks on values).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = ["ACTIVATIONS", "Unverifiable", "rebuild_outputs"]


class Unverifiable(ValueError):
    """The table names a layer or setting the verifier does not rebuild."""


def _linear(x: np.ndarray) -> np.ndarray:
    return x


def _relu(x: np.ndarray) -> np.ndarray:
    return np.asarray(np.maximum(x, 0.0))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)))


def _tanh(x: np.ndarray) -> np.ndarray:
    return np.asarray(np.tanh(x))


#: Activations a rebuilt Dense may carry.
ACTIVATIONS: dict[str | None, Callable[[np.ndarray], np.ndarray]] = {
    "linear": _linear, None: _linear, "relu": _relu, "sigmoid": _sigmoid, "tanh": _tanh}


def rebuild_outputs(layers: Sequence[dict[str, Any]], weights: Sequence[np.ndarray],
                    x: np.ndarray) -> np.ndarray:
    """The inference-mode outputs of the model ``layers`` describes, with ``weights``.

    Args:
        layers: the ``describe`` table's layers (class, config, params).
        weights: the model's weights in ``get_weights`` order.
        x: the inputs the runner's outputs were computed on.

    Raises:
        Unverifiable: a layer kind, activation or weight layout outside the whitelist.
    """
    out = np.asarray(x, dtype=np.float64)
    remaining = list(weights)
    for index, layer in enumerate(layers):
        kind = layer.get("class")
        raw = layer.get("config")
        config: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if kind == "Flatten":
            out = out.reshape(len(out), -1)
        elif kind == "Dense":
            use_bias = config.get("use_bias", True) is not False
            count = 2 if use_bias else 1
            if len(remaining) < count:
                raise Unverifiable(f"layer {index} (Dense) has fewer weights than it needs")
            kernel = np.asarray(remaining.pop(0), dtype=np.float64)
            bias = np.asarray(remaining.pop(0), dtype=np.float64) if use_bias else 0.0
            activation = config.get("activation")
            if not isinstance(activation, str | None) or activation not in ACTIVATIONS:
                raise Unverifiable(f"layer {index} (Dense) has activation {activation!r}")
            if kernel.ndim != 2 or out.ndim != 2 or kernel.shape[0] != out.shape[1]:
                raise Unverifiable(f"layer {index} (Dense) kernel {kernel.shape} does not fit "
                                   f"its input {out.shape}")
            out = ACTIVATIONS[activation](out @ kernel + bias)
        elif kind == "Dropout" and layer.get("params") == 0:
            continue
        else:
            raise Unverifiable(f"layer {index} ({kind}) is not one the verifier rebuilds")
    if remaining:
        raise Unverifiable(f"{len(remaining)} weights belong to no layer of the table")
    return out
