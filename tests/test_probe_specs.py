"""The judge's table of probes agrees with the runner's handlers, parameter for parameter."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from autograder.judge.probe_specs import PROBE_SPECS
from autograder.judge.reply_schemas import REPLY_SCHEMAS, ReplyMismatch, check_reply
from autograder.runner.probes import PROBES


def test_same_probe_names_on_both_sides():
    """Every probe the judge may ask for exists in the runner, and no other."""
    assert set(PROBE_SPECS) == set(PROBES)
    assert set(REPLY_SCHEMAS) == set(PROBES)


@pytest.mark.parametrize("name", sorted(PROBES))
def test_parameters_match_the_handler(name):
    """Required and optional parameters are those of the handler (after the namespace)."""
    params = list(inspect.signature(PROBES[name]).parameters.values())[1:]
    required = {p.name for p in params if p.default is inspect.Parameter.empty}
    optional = {p.name for p in params if p.default is not inspect.Parameter.empty}
    assert PROBE_SPECS[name].required == required
    assert PROBE_SPECS[name].optional == optional
    assert PROBE_SPECS[name].names <= required | optional


def _layer(**changes):
    return {"class": "Dense", "ancestry": ["keras.src.layers.core.dense.Dense"],
            "output_shape": [2, 10], "params": 50, "trainable_params": 50,
            "config": {"units": 10}, **changes}


def _described(**changes):
    run = {"layers": [_layer()], "output_shape": [2, 10]}
    return {"ancestry": ["keras.Sequential"], "layers": [_layer()], "output_shape": [2, 10],
            "runs": [run], "params": 50, **changes}


def test_a_well_formed_reply_passes_its_schema():
    check_reply("describe", _described())
    check_reply("keras_step", {"outputs": np.zeros((3, 1), "float32"),
                               "weights": [np.ones(2, "float32")]})
    check_reply("call", {"anything": ["a student value", np.zeros(2)]})


@pytest.mark.parametrize(("probe", "reply", "where"), [
    ("describe", _described(params="269322"), "result.params: expected an integer, got str"),
    ("describe", _described(params=True), "result.params: expected an integer, got bool"),
    ("describe", _described(layers=[_layer(params=1.5)]), "result.layers[0].params"),
    ("describe", _described(extra=1), "unexpected ['extra']"),
    ("describe", {"layers": []}, "keys missing"),
    ("describe", [1, 2], "expected a record"),
    ("keras_step", {"outputs": np.zeros(3), "weights": [np.zeros(3, "int64")]},
     "result.weights[0]: array of dtype int64"),
    ("train_step", {"weights": [np.zeros(3), np.zeros(2, "int32")]},
     "result.weights[1]: array of dtype int32"),
])
def test_a_malformed_reply_is_named_where_it_differs(probe, reply, where):
    """Where a reply differs from its probe's shape is named, so the instructor's notes say
    what the runner sent."""
    with pytest.raises(ReplyMismatch) as error:
        check_reply(probe, reply)
    assert where in str(error.value)
