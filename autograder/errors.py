"""The one hierarchy of errors the engine raises to the people who run it.

Three kinds of things go wrong, and they must never be confused:

* the **student's fault**: a check fails, student code raises, times out, runs
  out of memory or kills its runner. These are *verdicts*
  (:class:`autograder.verdicts.Status`), never exceptions that reach a user;
  the submission is graded and scores what it earns.
* a **grading fault**: the machine or the course cannot produce a grade (the
  runner cannot start, a data set is missing, a grader is broken, the judge
  cannot report). A grading fault never becomes a score: ``course grade``
  exits with :data:`GradingFault.exit_code`, nbgrader leaves the submission
  ungraded, ``course validate`` and ``course demo`` fail with the cause.
* an **instructor's error** before any grading (a broken ``course_config.py``,
  a failing nbgrader command).

Every class here carries a one-line English message for the instructor and,
where there is one, the fix (``hint``); the CLI prints both on one line.

Example:
    >>> fault = ResourceMissing("Fashion-MNIST subset not found", hint="set COURSE_DATA_DIR")
    >>> fault.one_line()
    'grading fault (data): Fashion-MNIST subset not found. Fix: set COURSE_DATA_DIR'
"""

from __future__ import annotations

__all__ = [
    "EXIT_GRADING_FAULT",
    "ConfigError",
    "CourseError",
    "DeviceUnavailable",
    "GraderBug",
    "GradingFault",
    "IsolationUnavailable",
    "JudgeFailure",
    "NbgraderError",
    "ResourceMissing",
    "RunnerStartFailure",
    "fault_from_kind",
]

#: Exit code of ``course grade`` (and ``validate``/``demo``) when a grading fault stopped a grade.
EXIT_GRADING_FAULT = 4


class CourseError(Exception):
    """An error the ``course`` command reports as one ``Error: ...`` line.

    Args:
        message: what went wrong, in English, for the instructor.
        hint: how to fix it (a command to run, a setting to change), if known.
        log: diagnostic text for logs (the end of a process's output); never
            shown on the one-line error, never shown to students.
    """

    exit_code = 1

    def __init__(self, message: str, *, hint: str = "", log: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.log = log

    def one_line(self) -> str:
        """The message and its fix, as the CLI prints them."""
        text = " ".join(self.message.split()).rstrip(".")
        return f"{text}. Fix: {self.hint}" if self.hint else text


class ConfigError(CourseError, ValueError):
    """``course_config.py`` is missing, malformed or inconsistent."""


class NbgraderError(CourseError):
    """An nbgrader command failed; ``log`` holds the end of its output."""


class GradingFault(CourseError):
    """No grade can be given, and not because of the submission.

    Attributes:
        kind: short name of the fault class, stable across versions (recorded
            in reports and logs).
    """

    exit_code = EXIT_GRADING_FAULT
    kind = "grading"

    def one_line(self) -> str:
        return f"grading fault ({self.kind}): {super().one_line()}"


class IsolationUnavailable(GradingFault):
    """bubblewrap cannot be used here and weaker isolation was not accepted."""

    kind = "sandbox"


class RunnerStartFailure(GradingFault):
    """The sandbox could not start a runner, or the runner could not import its runtime."""

    kind = "runner-start"


class DeviceUnavailable(GradingFault):
    """The profile needs a device (a GPU) that this machine does not offer."""

    kind = "device"


class ResourceMissing(GradingFault):
    """A judge-side resource (a data set, its checksum) is missing or unusable."""

    kind = "data"


class GraderBug(GradingFault):
    """A hidden check is broken: it misused a probe or raised something other than its assertion."""

    kind = "grader"


class JudgeFailure(GradingFault):
    """The judge process could not grade or could not report (crash, timeout, refused to run)."""

    kind = "judge"


_FAULTS: dict[str, type[GradingFault]] = {
    cls.kind: cls for cls in (IsolationUnavailable, RunnerStartFailure, DeviceUnavailable,
                              ResourceMissing, GraderBug, JudgeFailure)
}


def fault_from_kind(kind: str, message: str, hint: str = "", log: str = "") -> GradingFault:
    """Rebuild a fault recorded in a judge report (unknown kinds become :class:`JudgeFailure`)."""
    return _FAULTS.get(kind, JudgeFailure)(message, hint=hint, log=log)
