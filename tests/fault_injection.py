"""A test double at nbgrader's boundary: the real autograde step, on a broken machine for one
student.

``BrokenMachineForOneStudent`` is the engine's own :class:`SandboxedGrade`; only for the
student named ``machine_fault`` it points the runner at an interpreter that does not
exist, the way a broken grading machine would fail. Everything else (the judge, the
sandbox, the fault, nbgrader's batch loop and gradebook) is the real pipeline.
"""

from __future__ import annotations

from autograder.nbgrader_ext.preprocessors import SandboxedGrade

FAULTY_STUDENT = "machine_fault"

#: Lines appended to a course's nbgrader_config.py to use the double in its autograde step.
CONFIG = """
import sys as _sys
_sys.path.insert(0, {tests!r})
from fault_injection import BrokenMachineForOneStudent as _Broken
c.Autograde.autograde_preprocessors = [
    _Broken if step is SandboxedGrade else step for step in c.Autograde.autograde_preprocessors]
"""


class BrokenMachineForOneStudent(SandboxedGrade):  # type: ignore[misc]
    """SandboxedGrade whose runner cannot start for :data:`FAULTY_STUDENT`."""

    def preprocess(self, nb, resources):
        broken = resources["nbgrader"].get("student") == FAULTY_STUDENT
        self.runner_python = "/nonexistent/python3" if broken else ""
        return super().preprocess(nb, resources)
