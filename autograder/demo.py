"""``course demo``: one assignment's whole nbgrader cycle in a throwaway course.

Releases each assignment with ``nbgrader generate_assignment``, submits three
sample students (the reference solution, the untouched release, a partly wrong
notebook), autogrades them with ``nbgrader autograde`` (sandboxed runner plus
judge), generates feedback, exports ``grades.csv`` and returns a score table.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from autograder.course_dir import TempCourse
from autograder.errors import CourseError
from autograder.layout import CourseLayout
from autograder.solutions import fill_solutions, read_sections

__all__ = ["DemoFailed", "DemoResult", "run_demo"]

#: Sample students and how their notebook is made from the release.
STUDENTS = {
    "an_reference": "the reference solution (solutions/<id>.py)",
    "binh_untouched": "the untouched release",
    "chi_partly_wrong": "reference with the sections of tests/variants/<id>/partly_wrong.py",
}


#: Progress steps reported per assignment (release, autograde, feedback) plus export.
DEMO_STEPS = 3


class DemoFailed(CourseError):
    """The demo's grades contradict what its students are known to deserve."""


@dataclass(frozen=True)
class DemoResult:
    """Where the demo left its files and what each student scored."""

    root: Path
    grades_csv: Path
    feedback: dict[str, Path]
    rows: list[dict[str, str]]

    def verify(self) -> None:
        """Refuse a table that lies: the reference must earn full marks, the untouched
        release nothing, in every assignment, and every assignment must be in the table.

        Raises:
            DemoFailed: naming each wrong row.
        """
        problems = []
        seen = {(row["student_id"], row["assignment"]): row for row in self.rows}
        for assignment in sorted({row["assignment"] for row in self.rows} | self.expected):
            for student in ("an_reference", "binh_untouched"):
                row = seen.get((student, assignment))
                if row is None:
                    problems.append(f"{student} has no grade in {assignment}")
                    continue
                score, top = float(row["score"]), float(row["max_score"])
                if student == "an_reference" and not (score == top > 0):
                    problems.append(f"the reference solution got {score:g}/{top:g} in "
                                    f"{assignment} (expected full marks)")
                if student == "binh_untouched" and score != 0:
                    problems.append(f"the untouched release got {score:g}/{top:g} in "
                                    f"{assignment} (expected 0)")
        if problems:
            raise DemoFailed("the demo's grades are wrong: " + "; ".join(problems),
                             hint="run `course validate` to find the broken assignment")

    @property
    def expected(self) -> set[str]:
        """Assignments the demo graded (from its feedback paths)."""
        return {key.split("/", 1)[1] for key in self.feedback}


def run_demo(layout: CourseLayout, root: Path, assignment_ids: list[str],
             profile: str | None = None, allow_weak_isolation: bool = False,
             progress: Callable[[str], None] = lambda _: None) -> DemoResult:
    """Build a course in ``root`` and run release → submit → autograde → feedback → export."""
    course = TempCourse(layout, root, profile, allow_weak_isolation)
    feedback: dict[str, Path] = {}
    for assignment_id in assignment_ids:
        progress(f"{assignment_id}: nbgrader generate_assignment")
        release = course.release(assignment_id)
        reference = read_sections(layout.solution_module(assignment_id))
        wrong = layout.root / "tests" / "variants" / assignment_id / "partly_wrong.py"
        notebooks = {
            "an_reference": fill_solutions(release, reference),
            "binh_untouched": release,
            "chi_partly_wrong": fill_solutions(release, {**reference, **read_sections(wrong)}),
        }
        for student, nb in notebooks.items():
            course.submit(student, assignment_id, nb)
        progress(f"{assignment_id}: nbgrader autograde (3 submissions)")
        course.autograde(assignment_id)
        progress(f"{assignment_id}: nbgrader generate_feedback")
        course.generate_feedback(assignment_id)
        for student in notebooks:
            feedback[f"{student}/{assignment_id}"] = course.feedback_path(student, assignment_id)
    progress("nbgrader export")  # the one step not counted in DEMO_STEPS
    grades = course.export()
    with grades.open() as handle:
        rows = list(csv.DictReader(handle))
    return DemoResult(root=root, grades_csv=grades, feedback=feedback, rows=rows)
