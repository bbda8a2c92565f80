"""Prove, before a batch of gradings, that this machine can start a runner in the sandbox.

TRUSTED SIDE. A runner that cannot start (an interpreter the sandbox cannot
reach, a package that does not import inside it, no GPU where the profile
needs one) would otherwise look like every student's notebook crashing. Every
grading checks this with its first runner (see ``RunnerClient._launch``);
commands that grade many notebooks (``course validate``, ``course demo``) call
:func:`preflight` first, so that a broken machine stops them at once, before
any course folder is built. It runs once per process and configuration while
it passes; a failure is a :class:`~autograder.errors.GradingFault`.
"""

from __future__ import annotations

import threading

from autograder.config import Limits
from autograder.errors import RunnerStartFailure
from autograder.judge.client import RunnerClient, RuntimeFacts

__all__ = ["preflight"]

_LOCK = threading.Lock()
_PASSED: dict[tuple[str, bool, str | None], RuntimeFacts] = {}


def preflight(isolation: str, gpu: bool = False, python: str | None = None) -> RuntimeFacts:
    """Start one runner with no student code and check its runtime (cached once it passes).

    Args:
        isolation: the isolation the gradings will use.
        gpu: also check that TensorFlow sees a GPU inside the sandbox.
        python: the runner's interpreter (default: this process's).

    Raises:
        RunnerStartFailure: the runner cannot start or cannot import its runtime.
        DeviceUnavailable: ``gpu`` and TensorFlow sees no GPU inside the sandbox.
        IsolationUnavailable: the sandbox cannot be set up.
    """
    key = (isolation, gpu, python)
    with _LOCK:
        if key not in _PASSED:
            with RunnerClient([], Limits(), isolation=isolation, gpu=gpu, seed=0,
                              python=python) as client:
                client.start()
                if client.runtime is None:
                    raise RunnerStartFailure("the pre-flight runner did not report its runtime")
                _PASSED[key] = client.runtime
        return _PASSED[key]
