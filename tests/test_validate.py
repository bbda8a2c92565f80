"""`course validate`: passes on the real course, fails on a broken solution or a leaking release."""

from __future__ import annotations

import json

import nbformat
import pytest
from click.testing import CliRunner

from autograder.cli import main

from grading_helpers import copy_course

ASSIGNMENT = "03_dropout"


def validate(root=None):
    env = {"COURSE_ROOT": str(root)} if root else None
    result = CliRunner().invoke(main, ["validate", ASSIGNMENT, "--json"], env=env)
    return result.exit_code, json.loads(result.output)[0]


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


def test_real_course_validates():
    """The repository's 03_dropout is releasable: every validation step passes."""
    code, result = validate()
    assert code == 0, result["violations"]
    assert result["ok"]
    assert len(result["passed"]) >= 4


def test_broken_solution_fails_validation(course_copy):
    """A source notebook whose dropout forgets to rescale loses points, so validate exits 1."""
    edit_cell(course_copy, "dropout_layer",
              lambda src: src.replace("* X / (1.0 - dropout)", "* X"))
    code, result = validate(course_copy)
    assert code == 1
    problems = " ".join(result["violations"])
    assert "source notebook lost points" in problems
    assert "test_survivors_are_scaled" in problems
    assert "differs from the notebook's solution cell" in problems


def test_release_leaking_a_solution_line_fails_validation(course_copy):
    """A solution line copied into a locked cell reaches the release and is reported."""
    leaked = "mask = tf.random.uniform(shape=tf.shape(X), minval=0, maxval=1) < 1.0 - dropout"
    edit_cell(course_copy, "imports", lambda src: src + "\n# " + leaked + "\n" + leaked.lstrip())
    code, result = validate(course_copy)
    assert code == 1
    assert any("release leaks" in v and "tf.random.uniform" in v for v in result["violations"])
