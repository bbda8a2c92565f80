"""The shape of each probe's reply, checked before any check sees it.

TRUSTED SIDE. A reply comes from the runner, which is the student's process:
whatever frame arrives is checked against its probe's schema here, so a check
never indexes into a structure it did not expect (which would surface as a
``KeyError`` inside the check: a grading fault instead of the student's
``crashed``). Parts that carry the student's own values (what a function
returned, a layer's config) are :data:`WIRE`: any JSON value or plain numeric
array, already size-capped by the protocol; the checks read those through
``RunnerClient.array``/``frame``, which say what came back instead.

A schema is a small tree: :class:`Record` (a dict with exactly these keys,
some optional), :class:`ListOf`, :class:`ArrayOf`, :class:`OneOf` and the
scalar types :data:`STR`, :data:`BOOL`, :data:`INT`, :data:`NUMBER`,
:data:`NONE`. ``tests/test_probe_specs.py`` keeps one schema per probe.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["REPLY_SCHEMAS", "ReplyMismatch", "check_reply"]

#: Longest list a reply may hold anywhere (layers, weights, losses per step, ...).
MAX_ITEMS = 100_000


class ReplyMismatch(ValueError):
    """A reply that does not have its probe's shape: where and what was wrong."""


@dataclass(frozen=True)
class Scalar:
    """A JSON scalar of one Python type (``bool`` is never an ``int`` here)."""

    name: str
    types: tuple[type, ...]

    def check(self, value: Any, path: str) -> None:
        if isinstance(value, bool) and bool not in self.types:
            raise ReplyMismatch(f"{path}: expected {self.name}, got bool")
        if not isinstance(value, self.types):
            raise ReplyMismatch(f"{path}: expected {self.name}, got {type(value).__name__}")


@dataclass(frozen=True)
class Wire:
    """A student value as ``to_wire`` sends it: JSON data and plain numeric arrays."""

    def check(self, value: Any, path: str) -> None:
        return None  # its size is capped by the protocol; checks read it defensively


@dataclass(frozen=True)
class ArrayOf:
    """A numpy array, optionally of one dtype kind (``"f"``, ``"b"``...) and rank."""

    kinds: str = "biuf"
    ndim: int | None = None

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, np.ndarray):
            raise ReplyMismatch(f"{path}: expected an array, got {type(value).__name__}")
        if value.dtype.kind not in self.kinds:
            raise ReplyMismatch(f"{path}: array of dtype {value.dtype}")
        if self.ndim is not None and value.ndim != self.ndim:
            raise ReplyMismatch(f"{path}: array of rank {value.ndim}, expected {self.ndim}")


@dataclass(frozen=True)
class ListOf:
    item: Schema

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, list):
            raise ReplyMismatch(f"{path}: expected a list, got {type(value).__name__}")
        if len(value) > MAX_ITEMS:
            raise ReplyMismatch(f"{path}: {len(value)} items, more than {MAX_ITEMS}")
        for index, item in enumerate(value):
            self.item.check(item, f"{path}[{index}]")


@dataclass(frozen=True)
class OneOf:
    options: tuple[Schema, ...]

    def check(self, value: Any, path: str) -> None:
        problems = []
        for option in self.options:
            try:
                option.check(value, path)
                return
            except ReplyMismatch as exc:
                problems.append(str(exc))
        raise ReplyMismatch(" or ".join(problems))


@dataclass(frozen=True)
class Record:
    """A dict with exactly the ``required`` keys and any of the ``optional`` ones."""

    required: Mapping[str, Schema]
    optional: Mapping[str, Schema] = field(default_factory=dict)

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise ReplyMismatch(f"{path}: expected a record, got {type(value).__name__}")
        missing = sorted(set(self.required) - set(value))
        extra = sorted(set(value) - set(self.required) - set(self.optional))
        if missing or extra:
            raise ReplyMismatch(f"{path}: keys missing {missing}, unexpected {extra}"[:500])
        for key, item in value.items():
            schema = self.required.get(key) or self.optional[key]
            schema.check(item, f"{path}.{key}")


Schema = Scalar | Wire | ArrayOf | ListOf | OneOf | Record

STR = Scalar("a string", (str,))
BOOL = Scalar("a bool", (bool,))
INT = Scalar("an integer", (int,))
NUMBER = Scalar("a number", (int, float))
NONE = Scalar("null", (type(None),))
WIRE = Wire()

_SHAPE = ListOf(OneOf((INT, NONE)))
_ROW: dict[str, Schema] = {
    "class": STR, "ancestry": ListOf(STR), "output_shape": OneOf((_SHAPE, NONE)),
    "params": INT, "trainable_params": INT, "config": WIRE}
#: A student's own layer lists its weights' names and shapes.
_DECLARED = {"weights": ListOf(Record({"name": STR, "shape": ListOf(INT)}))}
#: A row of a layer table; a nested ``Sequential`` lists its own rows (one level).
_LAYER = Record(_ROW, {"children": ListOf(Record(_ROW, _DECLARED)), **_DECLARED})
_RUN = Record({"layers": ListOf(_LAYER), "output_shape": _SHAPE})

#: Probe name → the shape of its reply's ``result``.
REPLY_SCHEMAS: Mapping[str, Schema] = {
    "call": WIRE,
    "call_tables": WIRE,
    "call_update": Record({"result": WIRE, "variables": ListOf(ListOf(ArrayOf()))}),
    "saved_layer": Record({"file": ArrayOf("u", ndim=1)}),
    "load_layer": Record({"outputs": WIRE}),
    "train_loop": Record({"params": ListOf(WIRE), "losses": ListOf(NUMBER), "outputs": WIRE}),
    "model_losses": Record({"outputs": WIRE, "weights": ListOf(ArrayOf()),
                            "losses": ListOf(WIRE)}),
    "layer": Record({"outputs": ListOf(WIRE),
                     "weights": ListOf(Record({"name": STR, "trainable": BOOL,
                                               "value": ArrayOf()})),
                     "config": WIRE, "ancestry": ListOf(STR)}),
    "gradient": Record({"output": WIRE, "grad": WIRE}),
    "describe": Record({"ancestry": ListOf(STR), "layers": ListOf(_LAYER),
                        "output_shape": _SHAPE, "runs": ListOf(_RUN), "params": INT}),
    "forward": Record({"outputs": WIRE}),
    "keras_step": Record({"outputs": WIRE, "weights": ListOf(ArrayOf("f"))}),
    "train_step": Record({"weights": ListOf(ArrayOf("f"))}),
}


def check_reply(probe: str, result: Any) -> None:
    """Refuse a probe result that does not have its probe's shape.

    Raises:
        ReplyMismatch: naming the first place that differs (``result.layers[2].params:
            expected an integer, got str``).
        KeyError: for a probe without a schema (a judge bug: the table is incomplete).
    """
    REPLY_SCHEMAS[probe].check(result, "result")
