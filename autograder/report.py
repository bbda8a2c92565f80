"""Grading results: typed records and their JSON form.

The judge writes a :class:`GradeReport`; ``course grade --json`` prints its
public part; the nbgrader step turns it into cell outputs and scores.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from autograder.verdicts import CellStatus, Status

__all__ = ["CellOutputs", "CheckResult", "Fault", "GradeReport"]


@dataclass(frozen=True)
class Fault:
    """Why a grading produced no grade (see :mod:`autograder.errors`).

    Attributes:
        kind: the fault class (``runner-start``, ``data``, ``grader``, ``judge``, ...).
        message: what went wrong, in English, for the instructor.
        hint: how to fix it.
        check: the check that hit it, if one did.
        log: the end of the runner's stderr or other diagnostics.
    """

    kind: str
    message: str
    hint: str = ""
    check: str = ""
    log: str = ""


@dataclass(frozen=True)
class CheckResult:
    """One hidden check's verdict.

    Attributes:
        id: the check's name (the grader test function).
        cell: ``grade_id`` of the notebook cell the check's points belong to.
        score: points earned (``max_score`` when passed, else 0).
        max_score: points at stake.
        status: the verdict.
        message: student-facing Vietnamese explanation (empty when passed).
    """

    id: str
    cell: str
    score: float
    max_score: float
    status: Status
    message: str = ""


@dataclass(frozen=True)
class CellOutputs:
    """Outputs of one executed notebook cell (by index), already size-capped."""

    index: int
    outputs: list[dict[str, Any]]
    raised: bool
    status: CellStatus = CellStatus.OK


@dataclass
class GradeReport:
    """Everything the judge decided about one submission.

    A report with a ``fault`` is not a grade: its checks show how far the
    judge got, and nothing may turn them into points.
    """

    assignment: str
    profile: str
    checks: list[CheckResult] = field(default_factory=list)
    cells: list[CellOutputs] = field(default_factory=list)
    isolation: str = "none"
    #: What bounded the runner's processes together (a cgroup, or rlimits only).
    tree_bounds: str = "none"
    seed: int = 0
    elapsed_s: float = 0.0
    notes: list[str] = field(default_factory=list)
    fault: Fault | None = None

    @property
    def score(self) -> float:
        return sum(check.score for check in self.checks)

    @property
    def max_score(self) -> float:
        return sum(check.max_score for check in self.checks)

    def cell_scores(self) -> dict[str, tuple[float, float]]:
        """Points earned and at stake per graded cell ``grade_id``."""
        totals: dict[str, tuple[float, float]] = {}
        for check in self.checks:
            earned, stake = totals.get(check.cell, (0.0, 0.0))
            totals[check.cell] = (earned + check.score, stake + check.max_score)
        return totals

    def public_dict(self) -> dict[str, Any]:
        """The ``course grade --json`` contract (DESIGN.md section 5)."""
        return {
            "assignment": self.assignment,
            "score": round(self.score, 4),
            "max_score": round(self.max_score, 4),
            "checks": [asdict(check) for check in self.checks],
            "elapsed_s": round(self.elapsed_s, 3),
            "profile": self.profile,
            "isolation": self.isolation,
            "tree_bounds": self.tree_bounds,
            "seed": self.seed,
            "notes": list(self.notes),
        }

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), ensure_ascii=False))

    @classmethod
    def load(cls, path: Path) -> GradeReport:
        data = json.loads(path.read_text())
        return cls(
            assignment=data["assignment"],
            profile=data["profile"],
            checks=[CheckResult(**{**c, "status": Status(c["status"])}) for c in data["checks"]],
            cells=[CellOutputs(**{**c, "status": CellStatus(c["status"])})
                   for c in data["cells"]],
            isolation=data["isolation"],
            tree_bounds=data.get("tree_bounds", "none"),
            seed=data["seed"],
            elapsed_s=data["elapsed_s"],
            notes=list(data["notes"]),
            fault=Fault(**data["fault"]) if data.get("fault") else None,
        )
