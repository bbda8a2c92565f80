"""Types of the course description, and loading ``course_config.py`` by path.

``course_config.py`` at the repository root is data: it builds one frozen
:class:`Course` and does no I/O. This module defines the types it uses, loads
the file from a path (never from ``sys.path``), validates it in one place and
resolves which runner profile applies (CLI > ``COURSE_PROFILE`` > hardware).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from autograder.errors import ConfigError

__all__ = [
    "PROFILES",
    "Assignment",
    "AssignmentProfile",
    "ConfigError",
    "Course",
    "Limits",
    "detect_profile",
    "gpu_visible",
    "load_course",
]

#: Runner profiles: ``cpu`` grades on the small offline data mirror with few
#: epochs; ``gpu`` uses the full data and the book's recipes.
PROFILES = ("cpu", "gpu")


@dataclass(frozen=True)
class Limits:
    """Resource limits for one submission's grading: its runner, and the judge's own training.

    Attributes:
        memory_mb: address-space limit of the runner (TensorFlow needs ~2 GiB).
        cpu_seconds: CPU time limit of the runner process.
        cell_seconds: wall-clock limit for executing one notebook cell.
        probe_seconds: wall-clock limit for one probe (training probes included).
        submission_seconds: wall-clock limit for grading the whole submission.
        max_processes: process/thread limit inside the sandbox.
        max_file_mb: largest file the runner may write.
        tmpfs_mb: size of the runner's writable scratch space.
        output_chars: characters of output kept per notebook cell.
        training_gmacs: the most multiply-adds (in units of 10^9) the judge's own training
            of one declared model may take, estimated from its verified layers before it
            starts (``autograder.judge.trusted_training``); a larger model is the
            student's failed check, not hours of the grading machine.
        training_memory_mb: the most memory that estimate may give for that training
            (weights with their gradients and optimizer slots, one batch's activations).
    """

    memory_mb: int = 4096
    cpu_seconds: int = 900
    cell_seconds: int = 60
    probe_seconds: int = 120
    submission_seconds: int = 600
    max_processes: int = 256
    max_file_mb: int = 64
    tmpfs_mb: int = 256
    output_chars: int = 20_000
    training_gmacs: int = 5_000
    training_memory_mb: int = 1024

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ConfigError(f"limits must be positive integers. Received: {name}={value!r}")
        if self.memory_mb < 2048:
            raise ConfigError(
                "TensorFlow aborts under about 2 GiB of address space; use memory_mb >= 2048. "
                f"Received: memory_mb={self.memory_mb}"
            )


@dataclass(frozen=True)
class AssignmentProfile:
    """How one assignment is graded under one runner profile.

    Attributes:
        recipe: the judge's training recipe and data choice (epochs, batch
            size, learning rate, data variant, ...), read by the graders.
        thresholds: pass marks for accuracy-like checks, by name.
        limits: resource limits of the runner.
        measured: where each threshold comes from (runs, mean, spread, margin),
            or why it is not measured yet.
    """

    recipe: Mapping[str, Any] = field(default_factory=dict)
    thresholds: Mapping[str, float] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    measured: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "recipe", MappingProxyType(dict(self.recipe)))
        object.__setattr__(self, "thresholds", MappingProxyType(dict(self.thresholds)))


@dataclass(frozen=True)
class Assignment:
    """One assignment; ``id`` is the join key across the course folders.

    Attributes:
        id: names ``assignments/<id>/<id>.ipynb``, ``solutions/<id>.py`` and
            ``graders/<id>/``.
        title: the Vietnamese title shown to students.
        points: total points; must equal the graded cells' and the checks' sums.
        profiles: settings per runner profile; every name in ``PROFILES``.
    """

    id: str
    title: str
    points: float
    profiles: Mapping[str, AssignmentProfile]

    def __post_init__(self) -> None:
        missing = [name for name in PROFILES if name not in self.profiles]
        if missing:
            raise ConfigError(f"assignment {self.id} has no settings for profile(s) {missing}")
        object.__setattr__(self, "profiles", MappingProxyType(dict(self.profiles)))

    def profile(self, name: str) -> AssignmentProfile:
        """Return the settings for profile ``name``."""
        if name not in self.profiles:
            raise ConfigError(f"unknown profile. Expected one of {PROFILES}. Received: {name!r}")
        return self.profiles[name]


@dataclass(frozen=True)
class Course:
    """The whole course: a title and its assignments in teaching order."""

    title: str
    assignments: tuple[Assignment, ...]

    def __post_init__(self) -> None:
        ids = [a.id for a in self.assignments]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ConfigError(f"assignment ids must be unique. Received duplicates: {duplicates}")

    def assignment(self, assignment_id: str) -> Assignment:
        """Return the assignment with this id.

        Raises:
            ConfigError: naming the known ids when there is no such assignment.
        """
        for assignment in self.assignments:
            if assignment.id == assignment_id:
                return assignment
        known = ", ".join(a.id for a in self.assignments)
        raise ConfigError(f"unknown assignment {assignment_id!r}; known: {known}")


def load_course(path: Path) -> Course:
    """Load the ``COURSE`` object from a ``course_config.py`` file.

    Raises:
        ConfigError: if the file is missing, fails to import, or does not
            define ``COURSE`` as a :class:`Course`.
    """
    if not path.is_file():
        raise ConfigError(f"course config not found at {path}; run from the course repository")
    spec = importlib.util.spec_from_file_location("course_config", path)
    if spec is None or spec.loader is None:
        raise ConfigError(f"cannot load {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    course = getattr(module, "COURSE", None)
    if not isinstance(course, Course):
        raise ConfigError(f"{path} must define COURSE = Course(...). Received: {type(course)}")
    return course


def detect_profile(requested: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """Choose the runner profile: explicit request, then ``COURSE_PROFILE``, then hardware.

    Args:
        requested: a profile named on the command line, if any.
        environ: the environment to read (defaults to ``os.environ``).

    Returns:
        ``"gpu"`` when an NVIDIA GPU is visible, else ``"cpu"``, unless forced.

    Raises:
        ConfigError: naming where a bad profile name came from.
    """
    env = os.environ if environ is None else environ
    for value, where in ((requested, "--profile"), (env.get("COURSE_PROFILE"), "COURSE_PROFILE")):
        if value:
            if value not in PROFILES:
                raise ConfigError(f"{where} must be one of {PROFILES}. Received: {value!r}")
            return value
    return "gpu" if gpu_visible() else "cpu"


def gpu_visible() -> bool:
    """Whether this machine shows an NVIDIA GPU (its device node and driver tools)."""
    return Path("/dev/nvidia0").exists() and shutil.which("nvidia-smi") is not None
