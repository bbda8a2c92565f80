"""Helpers shared by the infrastructure tests (importable: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from click.testing import CliRunner

from autograder.cli import main
from autograder.solutions import read_sections

REPO = Path(__file__).resolve().parents[1]


def variant_sections(assignment_id: str, name: str) -> dict[str, str]:
    """Sections of a known variant in ``tests/variants/<id>/<name>.py``."""
    return read_sections(REPO / "tests" / "variants" / assignment_id / f"{name}.py")


def read_source(assignment_id: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO / "assignments" / assignment_id / f"{assignment_id}.ipynb",
                         as_version=4)


def grade_json(notebook: Path, assignment_id: str = "03_dropout") -> dict:
    """Run ``course grade --json`` and return its parsed output (exit code must be 0)."""
    result = CliRunner().invoke(main, ["grade", assignment_id, str(notebook), "--json",
                                       "--seed", "7"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def assert_grades(report: dict, expected_score: float, lost: set[str] = frozenset()) -> None:
    """Assert the total score and exactly which checks lost points."""
    failed = {c["id"] for c in report["checks"] if c["status"] != "passed"}
    assert failed == set(lost), report["checks"]
    assert report["score"] == expected_score
