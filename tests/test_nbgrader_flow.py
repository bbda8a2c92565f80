"""Plain nbgrader from a course folder: release, autograde with the judge, feedback, export."""

from __future__ import annotations

import csv

import nbformat
import pytest
from nbgrader.utils import determine_grade

from autograder.course_dir import TempCourse
from autograder.solutions import fill_solutions, read_sections

from grading_helpers import variant_sections

#: Every test here grades notebooks end to end (minutes): `make check` leaves them out.
pytestmark = pytest.mark.slow

ASSIGNMENT = "03_dropout"


@pytest.fixture(scope="module")
def course(layout, tmp_path_factory):
    """A course where four students were autograded by `nbgrader autograde`."""
    course = TempCourse(layout, tmp_path_factory.mktemp("course"))
    release = course.release(ASSIGNMENT)
    reference = read_sections(layout.solution_module(ASSIGNMENT))
    submissions = {
        "reference": fill_solutions(release, reference),
        "untouched": release,
        "partly_wrong": fill_solutions(
            release, {**reference, **variant_sections(ASSIGNMENT, "partly_wrong")}),
        "noisy_stderr": fill_solutions(
            release, {**reference, **variant_sections(ASSIGNMENT, "logs_to_stderr")}),
    }
    for student, nb in submissions.items():
        course.submit(student, ASSIGNMENT, nb)
    course.autograde(ASSIGNMENT)
    course.generate_feedback(ASSIGNMENT)
    course.export()
    return course


def scores(course):
    with (course.root / "grades.csv").open() as handle:
        return {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}


def graded_cells(nb):
    return {c.metadata.nbgrader.grade_id: c for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")}


def test_release_holds_no_solution_or_hidden_reference(course):
    """The released notebook has no solution region and no hidden-check reference."""
    text = course.release_path(ASSIGNMENT).read_text()
    assert "BEGIN SOLUTION" not in text
    assert "course-checks" not in text
    assert "tf.cast(mask, dtype=X.dtype)" not in text


def test_export_has_expected_scores(course):
    """Reference 20, untouched release 0, the book's code 16, correct-but-noisy 20."""
    assert scores(course) == {"reference": 20.0, "untouched": 0.0, "partly_wrong": 16.0,
                              "noisy_stderr": 20.0}


def test_stderr_in_a_graded_cell_does_not_zero_it(course):
    """A Python warning (stderr) and the TensorFlow logger (stdout in a notebook shell, as in
    Jupyter) land in the graded cell, and the cell keeps its points."""
    nb = nbformat.read(course.autograded_path("noisy_stderr", ASSIGNMENT), as_version=4)
    cell = graded_cells(nb)["test_dropout_layer"]
    shown = "".join(str(o.get("data", {}).get("text/plain", "")) + str(o.get("text", ""))
                    for o in cell.outputs)
    assert "STDERR-MARKER" in shown
    assert "tf logger" in shown
    assert determine_grade(cell) == (6.0, 6.0)


def test_autograded_notebook_records_how_it_was_graded(course):
    """The autograded notebook keeps the seed, profile and isolation, so a grade can be
    replayed with `course grade --seed`."""
    nb = nbformat.read(course.autograded_path("partly_wrong", ASSIGNMENT), as_version=4)
    grading = nb.metadata["course_grading"]
    assert isinstance(grading["seed"], int)
    assert grading["profile"] == "cpu"
    assert grading["isolation"] == "bubblewrap"


def test_partial_credit_is_recorded_per_cell(course):
    """nbgrader's own scoring reads the judge's partial credit from each graded cell."""
    nb = nbformat.read(course.autograded_path("partly_wrong", ASSIGNMENT), as_version=4)
    cells = graded_cells(nb)
    assert determine_grade(cells["test_dropout_layer"]) == (4.0, 6.0)
    assert determine_grade(cells["test_train_step"]) == (1.0, 3.0)
    assert determine_grade(cells["test_accuracy"]) == (5.0, 5.0)


def test_feedback_shows_messages_not_hidden_source(course, layout):
    """Feedback explains each lost point in Vietnamese and shows no grader or solution source."""
    html = course.feedback_path("partly_wrong", ASSIGNMENT).read_text()
    assert "hãy gọi net(X, training=True)" in html
    assert "course-checks" not in html
    assert "BEGIN HIDDEN TESTS" not in html
    for grader in layout.grader_dir(ASSIGNMENT).glob("test_*.py"):
        assert "runner.probe(" not in html, grader
    untouched = course.feedback_path("untouched", ASSIGNMENT).read_text()
    assert "tf.cast(mask, dtype=X.dtype)" not in untouched
