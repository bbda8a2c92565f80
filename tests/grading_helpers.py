"""Helpers shared by the infrastructure tests (importable: pytest puts tests/ on sys.path)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import numpy as np
from click.testing import CliRunner

from autograder.cli import main
from autograder.config import Limits
from autograder.judge.client import Cell, RunnerClient
from autograder.solutions import read_sections

REPO = Path(__file__).resolve().parents[1]
#: Submission budget of a fast course copy (see copy_course).
FAST_BUDGET_S = 150

_FAST_CONFIG = f"""

# --- appended by tests/grading_helpers.copy_course: short limits and a short recipe -------
import dataclasses as _dc
from autograder.config import Limits as _Limits

_FAST = _Limits(memory_mb=4096, cpu_seconds=200, cell_seconds=10, probe_seconds=30,
                submission_seconds={FAST_BUDGET_S}, max_processes=256, max_file_mb=32,
                tmpfs_mb=64, output_chars=20000)
COURSE = _dc.replace(COURSE, assignments=tuple(
    _dc.replace(a, profiles={{
        name: _dc.replace(p, limits=_FAST, recipe={{**p.recipe, "epochs": 2}},
                          thresholds={{**p.thresholds, "test_accuracy": 0.4}})
        for name, p in a.profiles.items()}})
    for a in COURSE.assignments))
"""


def copy_course(layout, root: Path, fast: bool = False) -> Path:
    """Copy the course's four parts into ``root``; ``fast`` shortens limits and recipes."""
    for folder in ("assignments", "graders", "solutions"):
        shutil.copytree(layout.root / folder, root / folder)
    for name in ("course_config.py", "nbgrader_config.py"):
        shutil.copy(layout.root / name, root / name)
    if fast:
        with (root / "course_config.py").open("a") as handle:
            handle.write(_FAST_CONFIG)
    return root


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


def run_one_cell(source: str, limits: Limits) -> str:
    """Run ``source`` as the only cell of a fresh sandboxed runner (no runtime modules
    preloaded) and return what it printed; the cell must not raise."""
    client = RunnerClient([Cell(0, source)], limits, runtime_modules=())
    try:
        run = client.start()[0]
    finally:
        client.close()
    assert not run.raised, run.outputs
    return str(run.outputs[0]["text"])


def rebuild_and_run(model, x, rng):
    """Rebuild a built Keras ``model`` from the runner's own table code, give both the drawn
    weights, and return (verifier's layers, verifier's outputs, Keras' inference outputs)."""
    from autograder.judge import verifier
    from autograder.runner.probes import _layer_summary

    model(x)
    rows = [_layer_summary(layer, None) for layer in model.layers]
    derived = verifier.trace(verifier.parse_table(rows), x.shape[1:])
    weights = verifier.draw_weights(derived, rng)
    model.set_weights(weights)
    return derived, verifier.run(derived, weights, x), np.asarray(model(x, training=False))
