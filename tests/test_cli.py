"""The `course` command: the `grade --json` contract, exit codes and help."""

from __future__ import annotations

import nbformat
import pytest
from click.testing import CliRunner

from autograder.cli import main
from autograder.course_dir import TempCourse

from grading_helpers import assert_grades, grade_json

CHECK_KEYS = {"id", "cell", "score", "max_score", "status", "message"}


@pytest.fixture(scope="module")
def release_path(layout, tmp_path_factory):
    course = TempCourse(layout, tmp_path_factory.mktemp("course"))
    course.release("03_dropout")
    return course.release_path("03_dropout")


@pytest.mark.slow
def test_source_notebook_earns_full_marks_as_json(layout):
    """`course grade --json` on the source notebook reports 20/20 in the documented shape."""
    report = grade_json(layout.source_notebook("03_dropout"))
    assert {"assignment", "score", "max_score", "checks", "elapsed_s"} <= set(report)
    assert report["assignment"] == "03_dropout"
    assert all(set(check) == CHECK_KEYS for check in report["checks"])
    assert_grades(report, 20.0)
    assert report["max_score"] == 20.0


@pytest.mark.slow
def test_untouched_release_scores_zero_with_exit_code_zero(release_path):
    """A notebook that earns nothing is still a completed grading: exit 0, score 0."""
    report = grade_json(release_path)
    assert report["score"] == 0
    assert {c["status"] for c in report["checks"]} <= {"failed", "error"}
    assert all(c["message"] for c in report["checks"])


def test_unknown_assignment_is_a_usage_error(release_path):
    """An unknown assignment id exits 2 and names the known ids."""
    result = CliRunner().invoke(main, ["grade", "99_nope", str(release_path)])
    assert result.exit_code == 2
    assert "03_dropout" in result.output


def test_malformed_notebook_exits_3(tmp_path):
    """A file that is not a notebook exits 3 with a one-line reason."""
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{ not json")
    result = CliRunner().invoke(main, ["grade", "03_dropout", str(broken)])
    assert result.exit_code == 3
    assert result.output.startswith("Error: cannot read notebook")
    assert len(result.output.strip().splitlines()) == 1


def test_missing_notebook_exits_3(tmp_path):
    """A path that does not exist exits 3."""
    result = CliRunner().invoke(main, ["grade", "03_dropout", str(tmp_path / "none.ipynb")])
    assert result.exit_code == 3
    assert "file not found" in result.output


@pytest.mark.slow
def test_notebook_without_cells_metadata_is_graded_not_rejected(tmp_path):
    """A valid notebook with no graded cells still gets every hidden check (all zero)."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    path = tmp_path / "plain.ipynb"
    nbformat.write(nb, path)
    report = grade_json(path)
    assert report["score"] == 0
    assert len(report["checks"]) == 15


@pytest.mark.parametrize("command", [[], ["grade"], ["validate"], ["demo"]])
def test_every_command_has_help(command):
    """Each command documents itself under --help."""
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    assert len(result.output) > 100
