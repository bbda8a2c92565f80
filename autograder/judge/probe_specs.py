"""The probes a check may ask for, and the parameters each one takes.

TRUSTED SIDE. The judge validates every request against this table before it
reaches a runner, so a check that names a probe that does not exist, forgets a
parameter or passes one a probe does not take is a broken grader (a grading
fault), never the student's error: the runner's answer to a malformed request
would look exactly like student code raising ``TypeError``.
``tests/test_probe_specs.py`` keeps this table equal to the runner's handlers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from autograder.errors import GraderBug

__all__ = ["PROBE_SPECS", "ProbeSpec", "check_request"]


@dataclass(frozen=True)
class ProbeSpec:
    """The parameters of one probe.

    Attributes:
        required: parameters a request must carry.
        optional: parameters a request may carry.
        names: parameters whose value names something in the student's notebook
            (must be a Python identifier).
    """

    required: frozenset[str]
    optional: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()


def _spec(required: str, optional: str = "", names: str = "") -> ProbeSpec:
    return ProbeSpec(frozenset(required.split()), frozenset(optional.split()),
                     frozenset(names.split()))


PROBE_SPECS: Mapping[str, ProbeSpec] = {
    "call": _spec("target", "args kwargs tensors", names="target"),
    "call_update": _spec("target args variables", names="target"),
    "call_tables": _spec("target tables", "args kwargs", names="target"),
    "saved_layer": _spec("target input_shape", "dtype init_args init_kwargs", names="target"),
    "load_layer": _spec("target file inputs", "training", names="target"),
    "train_loop": _spec("step forward x_train y_train x_eval epochs batch_size seed",
                        "step_kwargs init init_kwargs params", names="step forward init"),
    "model_losses": _spec("builder inputs", "kwargs weights", names="builder"),
    "layer": _spec("target inputs calls", "init_args init_kwargs weights", names="target"),
    "gradient": _spec("target x upstream", "args kwargs layer_init layer_kwargs",
                      names="target"),
    "describe": _spec("builder input_shape", "kwargs batch_sizes", names="builder"),
    "forward": _spec("builder inputs weights", "kwargs training", names="builder"),
    "keras_step": _spec("builder x y weights learning_rate", "kwargs", names="builder"),
    "train_step": _spec("target x y weights steps learning_rate", names="target"),
}


def check_request(name: str, params: Mapping[str, Any]) -> None:
    """Refuse a probe request that no runner could answer as meant.

    Raises:
        GraderBug: naming the probe and the wrong or missing parameters.
    """
    spec = PROBE_SPECS.get(name)
    if spec is None:
        raise GraderBug(f"a check asked for probe {name!r}, which does not exist; "
                        f"probes: {', '.join(sorted(PROBE_SPECS))}",
                        hint="fix the check in graders/")
    given = set(params)
    missing = sorted(spec.required - given)
    unknown = sorted(given - spec.required - spec.optional)
    bad_names = sorted(key for key in spec.names & given
                       if not (isinstance(params[key], str) and params[key].isidentifier()))
    problems = [f"missing {missing}" if missing else "",
                f"unknown {unknown}" if unknown else "",
                f"not identifiers {bad_names}" if bad_names else ""]
    if any(problems):
        raise GraderBug(f"a check called probe {name!r} with wrong parameters: "
                        + "; ".join(p for p in problems if p)
                        + f". It takes {sorted(spec.required)} and optionally "
                          f"{sorted(spec.optional)}",
                        hint="fix the check in graders/")
