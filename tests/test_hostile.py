"""Hostile submissions: attacks from student code never raise a score or touch the host.

Each attack is inserted into a real release-derived notebook (the untouched
release, or the book's own code, which loses points) and graded in the
bubblewrap sandbox. For every attack: the score is at most the score of the
same notebook without the attack, grading ends within the submission's time
budget, no secret of the host reaches any output, the host listener sees no
connection, and no file or process of the attack is left outside the sandbox.

The source policy is off here (``source_policy=False``): most of these cells
break it and would not run at all, and this suite proves that the sandbox and
the judge hold on their own, should a cell ever slip past the policy.
tests/test_source_policy.py checks which of these cells the policy stops.
"""

from __future__ import annotations

import copy
import os
import secrets
import socket
import threading
import time
from pathlib import Path

import nbformat
import pytest

from autograder.course_dir import TempCourse
from autograder.grading import grade_notebook
from autograder.judge.sandbox import bubblewrap_problem
from autograder.layout import CourseLayout
from autograder.solutions import fill_solutions, read_sections

from grading_helpers import FAST_BUDGET_S as BUDGET_S
from grading_helpers import copy_course, variant_sections
from hostile_attacks import ATTACKS, Attack

#: Every test here grades notebooks end to end (minutes): `make check` leaves them out.
pytestmark = pytest.mark.slow

ASSIGNMENT = "03_dropout"
SECRET = "HOSTILE" + "-SECRET-" + secrets.token_hex(8)
JUDGE_MARGIN_S = 60

def test_bubblewrap_is_available_here():
    """The suite runs in the real sandbox on this machine: bubblewrap works."""
    assert bubblewrap_problem() is None


@pytest.fixture(scope="module")
def hostile_course(layout, tmp_path_factory):
    """A course copy with short limits, planted secrets and another student's work."""
    root = tmp_path_factory.mktemp("hostile-course")
    copy_course(layout, root, fast=True)
    (root / "graders" / ASSIGNMENT / "SECRET_NOTES.txt").write_text(SECRET + " grader\n")
    (root / "gradebook.db").write_text(SECRET + " gradebook\n")
    other = root / "submitted" / "other_student" / ASSIGNMENT
    other.mkdir(parents=True)
    (other / f"{ASSIGNMENT}.ipynb").write_text(SECRET + " other student\n")
    return CourseLayout(root)


@pytest.fixture(scope="module")
def bases(hostile_course, layout, tmp_path_factory):
    """The two base notebooks and their scores without any attack."""
    release = TempCourse(hostile_course, tmp_path_factory.mktemp("rel")).release(ASSIGNMENT)
    reference = read_sections(layout.solution_module(ASSIGNMENT))
    wrong = fill_solutions(release, {**reference, **variant_sections(ASSIGNMENT, "partly_wrong")})
    notebooks = {"release": release, "wrong": wrong}
    scores = {name: grade(hostile_course, nb).score for name, nb in notebooks.items()}
    assert scores["release"] == 0
    assert 0 < scores["wrong"] < 20
    return notebooks, scores


def grade(layout, nb):
    return grade_notebook(nb, ASSIGNMENT, layout, "cpu", seed=11, source_policy=False)


def build(attack: Attack, base, replacements):
    cells = []
    for source in attack.cells:
        for key, value in replacements.items():
            source = source.replace(key, value)
        cells.append(nbformat.v4.new_code_cell(source))
    hostile = copy.deepcopy(base)
    at = 2 if attack.where == "start" else len(hostile.cells)
    hostile.cells[at:at] = cells
    return hostile


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self._stop.set()
        self._thread.join()
        self.sock.close()


def processes_with(marker: str) -> list[str]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in cmdline:
            found.append(f"{proc.name}: {cmdline}")
    return found


def snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.name for a in ATTACKS])
def test_attack_gains_nothing_and_changes_nothing_outside(attack, hostile_course, bases,
                                                          monkeypatch):
    """The attack scores no more than its base, ends in time, leaks and leaves nothing."""
    notebooks, scores = bases
    monkeypatch.setenv("COURSE_SECRET_TOKEN", SECRET)
    marker = "hostile-" + secrets.token_hex(6)
    listener = Listener()
    before = snapshot(hostile_course.root)
    nb = build(attack, notebooks[attack.base], {
        "@PORT@": str(listener.port), "@COURSE@": str(hostile_course.root), "@MARKER@": marker})
    started = time.monotonic()
    try:
        report = grade(hostile_course, nb)
    finally:
        listener.close()
    elapsed = time.monotonic() - started

    assert report.score <= scores[attack.base], report.checks
    assert elapsed <= BUDGET_S + JUDGE_MARGIN_S
    assert report.isolation == "bubblewrap"
    shown = repr([c.outputs for c in report.cells]) + repr(report.checks)
    assert SECRET not in shown
    assert listener.connections == 0
    time.sleep(0.5)  # let the kernel reap the sandbox's pid namespace
    assert processes_with(marker) == []
    assert snapshot(hostile_course.root) == before
    leftovers = [p for p in (Path("/tmp") / marker, Path("/root") / marker,
                             Path("/etc") / marker) if p.exists()]
    assert leftovers == []
    assert not any(Path(os.path.dirname(__import__("autograder").__file__)).glob(marker))
