"""The judge's table of probes agrees with the runner's handlers, parameter for parameter."""

from __future__ import annotations

import inspect

import pytest

from autograder.judge.probe_specs import PROBE_SPECS
from autograder.runner.probes import PROBES


def test_same_probe_names_on_both_sides():
    """Every probe the judge may ask for exists in the runner, and no other."""
    assert set(PROBE_SPECS) == set(PROBES)


@pytest.mark.parametrize("name", sorted(PROBES))
def test_parameters_match_the_handler(name):
    """Required and optional parameters are those of the handler (after the namespace)."""
    params = list(inspect.signature(PROBES[name]).parameters.values())[1:]
    required = {p.name for p in params if p.default is inspect.Parameter.empty}
    optional = {p.name for p in params if p.default is not inspect.Parameter.empty}
    assert PROBE_SPECS[name].required == required
    assert PROBE_SPECS[name].optional == optional
    assert PROBE_SPECS[name].names <= required | optional
