"""Forged submissions: what a student who knows this engine writes earns nothing.

Each forgery of tests/forgery_attacks.py is graded with the judge as an
instructor runs it (source policy on) and compared with the same notebook
without it: the base answers with the forged cell left as released, or, for a
new cell, the base itself. A forgery passes no check that the base failed on
its merits (one the base lost to its runner, a timeout or a kill on a loaded
machine, is not the forgery's doing), so it never scores above it, the cell it
lives in is held back by the source policy (status ``policy``, so it is the
policy that stopped it, not a bug of the forgery), and every check it cost says
why in Vietnamese. Forgeries marked ``works_without_policy`` are also graded
with the policy off, where they do raise the score: the attack is real. Those
marked ``fails_without_policy`` are graded with the policy off too, and still
win no check: there the checks' own evidence stops them (06's and 07's layer
tables are rebuilt and run by the judge's verifier, 07's with the book's own
blocks; 03's accuracy comes from the judge training the declared layers
itself), not the policy.

What this suite does not show: that checks still resting on what the runner
reports (ancestry, declared dropout rates, the runner-side training loops of
01 and 04) are safe from a forgery the policy's rules miss. README, "Trust
model", lists those.
"""

from __future__ import annotations

import copy
import functools

import nbformat
import pytest

from autograder.course_dir import TempCourse
from autograder.grading import grade_notebook
from autograder.layout import CourseLayout
from autograder.report import GradeReport
from autograder.solutions import fill_solutions, read_sections
from autograder.verdicts import RUNNER_FAILURES, CellStatus, Status

from forgery_attacks import FORGERIES, Forgery
from grading_helpers import REPO, copy_course, variant_sections

#: Every test here grades notebooks end to end: `make check` leaves them out.
pytestmark = pytest.mark.slow

SEED = 13


@pytest.fixture(scope="module")
def course(layout, tmp_path_factory):
    """A course copy with the real limits and recipes, and a memo of its releases and base
    gradings. Not the fast copy: its 4 GiB address-space limit gets 06's VGG-11 runner
    killed now and then, and a base that lost a check to that would let a forgery look
    better than its base."""
    root = copy_course(layout, tmp_path_factory.mktemp("forgery-course"))
    forged_course = CourseLayout(root)
    releases = TempCourse(forged_course, tmp_path_factory.mktemp("releases"))

    @functools.cache
    def release(assignment: str) -> nbformat.NotebookNode:
        return releases.release(assignment)

    @functools.cache
    def base_report(assignment: str, base: str, section: str | None) -> GradeReport:
        return grade(forged_course, _base(release(assignment), assignment, base, section),
                     assignment)

    return forged_course, release, base_report


def grade(layout: CourseLayout, nb: nbformat.NotebookNode, assignment: str,
          policy: bool = True) -> GradeReport:
    return grade_notebook(nb, assignment, layout, "cpu", seed=SEED, source_policy=policy)


def _answers(assignment: str, base: str, section: str | None) -> dict[str, str]:
    if base == "release":
        answers: dict[str, str] = {}
    else:
        answers = {**read_sections(CourseLayout(REPO).solution_module(assignment)),
                   **variant_sections(assignment, base)}
    answers.pop(section or "", None)
    return answers


def _base(release: nbformat.NotebookNode, assignment: str, base: str,
          section: str | None) -> nbformat.NotebookNode:
    """The notebook without the forgery: the base answers, the forged cell as released."""
    return fill_solutions(release, _answers(assignment, base, section))


def _forged(release: nbformat.NotebookNode, forgery: Forgery) -> nbformat.NotebookNode:
    answers = _answers(forgery.assignment, forgery.base, forgery.section)
    if forgery.section is not None:
        return fill_solutions(release, {**answers, forgery.section: forgery.source})
    nb = copy.deepcopy(fill_solutions(release, answers))
    imports = next(i for i, cell in enumerate(nb.cells) if cell.cell_type == "code")
    nb.cells.insert(imports + 1, nbformat.v4.new_code_cell(forgery.source))
    return nb


@pytest.mark.parametrize("forgery", FORGERIES, ids=lambda f: f"{f.assignment}-{f.name}")
def test_a_forgery_earns_no_more_than_the_notebook_without_it(course, forgery):
    layout, release, base_report = course
    forged = _forged(release(forgery.assignment), forgery)
    base = base_report(forgery.assignment, forgery.base, forgery.section)
    without = base.score

    report = grade(layout, forged, forgery.assignment)

    # A check the base lost to its runner (a timeout or a kill on a loaded machine) is not
    # a check the forgery won; any other check the forgery passes, the base passed too.
    base_status = {c.id: c.status for c in base.checks}
    gained = [c for c in report.checks if c.status is Status.PASSED
              and base_status.get(c.id) is not Status.PASSED]
    assert all(base_status.get(c.id) in RUNNER_FAILURES for c in gained), gained
    assert report.score <= without + sum(c.max_score for c in gained)
    assert any(cell.status is CellStatus.POLICY for cell in report.cells), (
        "the forged cell was not held back by the source policy")
    costs = [c for c in report.checks if c.status is Status.POLICY]
    assert costs, "no check was charged to the forged cell"
    assert all("vi phạm quy tắc mã nguồn" in c.message and "dòng" in c.message
               for c in costs), costs[0].message
    if forgery.works_without_policy:
        unchecked = grade(layout, forged, forgery.assignment, policy=False)
        assert unchecked.score > without, "the forgery gains nothing even without the policy"
    if forgery.fails_without_policy:
        unchecked = grade(layout, forged, forgery.assignment, policy=False)
        won = [c.id for c in unchecked.checks if c.status is Status.PASSED
               and base_status.get(c.id) is not Status.PASSED]
        assert not won, f"without the policy the forgery won {won}: {unchecked.checks}"
