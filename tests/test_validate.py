"""`course validate`: passes on the real course, fails on a broken solution, a leaking release
or a grader that misses a known-buggy variant."""

from __future__ import annotations

import json
import os

import nbformat
import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.layout import CourseLayout
from autograder.validate import read_variants

from grading_helpers import REPO, copy_course

#: Every test here grades notebooks end to end (minutes): `make check` leaves them out.
pytestmark = pytest.mark.slow

ASSIGNMENT = "03_dropout"


#: Every assignment's graders must catch at least 5 buggy variants and pass 2 correct ones.
MIN_BUGGY, MIN_CORRECT = 5, 2

#: Gradings one `course validate` runs at a time. Under pytest-xdist (`make test` runs two
#: workers) each worker grades one notebook at a time, so the machine's two cores stay busy
#: without oversubscribing them (the sandbox's time limits are wall-clock limits).
JOBS = "1" if os.environ.get("PYTEST_XDIST_WORKER") else "2"

#: Every assignment of the course, in teaching order (one validation test each, so that
#: pytest-xdist can spread them over its workers).
ASSIGNMENTS = [a.id for a in CourseLayout(REPO).course().assignments]


def validate(root, *assignments):
    """`course validate --json` on ``root`` (the repository when None); all assignments when
    none is named. Returns the exit code and the list of reports."""
    env = {"COURSE_ROOT": str(root)} if root else None
    result = CliRunner().invoke(main, ["validate", *assignments, "--json", "--jobs", JOBS],
                                env=env)
    return result.exit_code, json.loads(result.output)


@pytest.fixture
def course_copy(layout, tmp_path):
    """A copy of the course repository that a test may break."""
    return copy_course(layout, tmp_path)


def edit_cell(root, grade_id, edit):
    path = root / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    cell.source = edit(cell.source)
    nbformat.write(nb, path)


@pytest.mark.long
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_real_course_validates_and_graders_discriminate(assignment):
    """`course validate` passes on each assignment of the repository, with its real limits,
    recipes and thresholds: full marks for the source, zero for the release, no leaks; every
    known-buggy variant loses exactly its declared checks and every correct variant earns
    full marks."""
    code, reports = validate(None, assignment)
    assert [r["assignment"] for r in reports] == [assignment]
    report = reports[0]
    assert code == 0, report["violations"]
    assert report["ok"]
    assert len(report["passed"]) >= 5
    variants = report["variants"]
    assert variants["buggy"] >= MIN_BUGGY
    assert variants["buggy_caught"] == variants["buggy"]
    assert variants["correct"] >= MIN_CORRECT
    assert variants["correct_full_marks"] == variants["correct"]


def test_uncaught_variant_fails_validation(course_copy):
    """A buggy variant whose bug the graders miss (here: a correct answer declared buggy)
    and a correct variant that loses points both make validate exit 1, naming the checks."""
    folder = course_copy / "tests" / "variants" / "02_activations"
    folder.mkdir(parents=True)
    (folder / "claims_a_bug.py").write_text(
        '"""Declares a bug the reference does not have."""\n# variant: buggy\n'
        "# loses: test_matches_the_stack\n\n\n# %% [collapse_linear]\n"
        "def collapse_linear(weights, biases):\n"
        "    W, b = weights[0], biases[0]\n"
        "    for W_i, b_i in zip(weights[1:], biases[1:]):\n"
        "        W, b = W @ W_i, b @ W_i + b_i\n"
        "    return W, b\n")
    (folder / "not_really_correct.py").write_text(
        '"""Claims to be correct but forgets the biases."""\n# variant: correct\n\n\n'
        "# %% [collapse_linear]\ndef collapse_linear(weights, biases):\n"
        "    W = weights[0]\n    for W_i in weights[1:]:\n        W = W @ W_i\n"
        "    return W, 0 * W[0]\n")
    code, [result] = validate(course_copy, "02_activations")
    assert code == 1
    assert result["variants"] == {"buggy_caught": 0, "buggy": 1, "correct_full_marks": 0,
                                  "correct": 1}
    problems = " ".join(result["violations"])
    assert "claims_a_bug" in problems
    assert "passed checks it should fail" in problems
    assert "test_matches_the_stack" in problems
    assert "not_really_correct lost points" in problems


@pytest.mark.parametrize(("header", "complaint"), [
    ("", "add a header line '# variant: buggy'"),
    ("# variant: buggy\n", "names the checks it must fail"),
    ("# variant: correct\n# loses: test_a\n", "names the checks it must fail"),
    ("# variant: maybe\n", "add a header line"),
])
def test_variant_without_a_valid_header_is_rejected(tmp_path, header, complaint):
    """A variant file must say whether it is buggy or correct, and a buggy one what it loses."""
    (tmp_path / "v.py").write_text(f'"""A variant."""\n{header}\n# %% [cell]\nx = 1\n')
    with pytest.raises(ValueError, match="v.py") as raised:
        read_variants(tmp_path)
    assert complaint in str(raised.value)


def test_broken_solution_fails_validation(course_copy):
    """A source notebook whose dropout forgets to rescale loses points, so validate exits 1;
    with no assignment named it validates every one in course order, and the broken one does
    not hide that the others pass (the copy's course is cut to two assignments)."""
    with (course_copy / "course_config.py").open("a") as config:
        config.write("\nimport dataclasses as _dc\n"
                     "COURSE = _dc.replace(COURSE, assignments=tuple(a for a in COURSE.assignments"
                     " if a.id in {'02_activations', '03_dropout'}))\n")
    edit_cell(course_copy, "dropout_layer",
              lambda src: src.replace("* X / (1.0 - dropout)", "* X"))
    code, reports = validate(course_copy)
    assert code == 1
    assert [(r["assignment"], r["ok"]) for r in reports] == [("02_activations", True),
                                                              ("03_dropout", False)]
    problems = " ".join(reports[1]["violations"])
    assert "source notebook lost points" in problems
    assert "test_survivors_are_scaled" in problems
    assert "differs from the notebook's solution cell" in problems


def test_release_leaking_a_solution_line_fails_validation(course_copy):
    """A solution line copied into a locked cell reaches the release and is reported."""
    leaked = "mask = tf.random.uniform(shape=tf.shape(X), minval=0, maxval=1) < 1.0 - dropout"
    edit_cell(course_copy, "imports", lambda src: src + "\n# " + leaked + "\n" + leaked.lstrip())
    code, [result] = validate(course_copy, ASSIGNMENT)
    assert code == 1
    assert any("release leaks" in v and "tf.random.uniform" in v for v in result["violations"])
