"""`nbgrader autograde` runs student code only in the sandbox; notebook tampering gains nothing."""

from __future__ import annotations

import copy
import json
import os
import sys
import warnings
from pathlib import Path

import nbformat
import pytest
from nbformat.warnings import DuplicateCellId
from nbgrader.api import Gradebook

from autograder.course_dir import NbgraderError, TempCourse
from autograder.judge.runner_ids import uid_range
from autograder.layout import CourseLayout
from autograder.solutions import fill_solutions, read_sections

from fault_injection import CONFIG as FAULT_CONFIG
from fault_injection import FAULTY_STUDENT
from grading_helpers import REPO, copy_course, variant_sections

#: Every test here grades notebooks end to end (minutes): `make check` leaves them out.
pytestmark = pytest.mark.slow

ASSIGNMENT = "03_dropout"

_SELF_REPORT = '''
import json, os
facts = {
    "uid": os.getuid(), "gid": os.getgid(), "euid": os.geteuid(),
    "ns": {kind: os.readlink(f"/proc/self/ns/{kind}")
           for kind in ("pid", "net", "ipc", "uts", "mnt")},
    "root": sorted(os.listdir("/")),
    "pid": os.getpid(),
    "caps": [l for l in open("/proc/self/status").read().splitlines() if l.startswith("CapEff")],
    "sees_graders": os.path.exists("@COURSE@/graders"),
    "sees_gradebook": os.path.exists("@COURSE@/gradebook.db"),
    "env": sorted(os.environ),
}
print("SELF-REPORT " + json.dumps(facts))
'''


def graded(nb):
    return {c.metadata.nbgrader.grade_id: c for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")}


@pytest.fixture(scope="module")
def batch(layout, tmp_path_factory):
    """One `nbgrader autograde` batch with a self-reporting and several tampered notebooks, a
    malformed one, and one whose grading machine fails (the runner cannot start)."""
    root = copy_course(layout, tmp_path_factory.mktemp("sandbox-course"), fast=True)
    with (root / "nbgrader_config.py").open("a") as config:
        config.write(FAULT_CONFIG.format(tests=str(REPO / "tests")))
        # The reporter imports os, which the source policy refuses to run: with the policy
        # off, this batch shows what the sandbox alone allows.
        config.write("c.SandboxedGrade.source_policy = False\n")
    course = TempCourse(CourseLayout(root), tmp_path_factory.mktemp("nbgrader"))
    release = course.release(ASSIGNMENT)
    reference = read_sections(layout.solution_module(ASSIGNMENT))
    wrong = fill_solutions(release, {**reference, **variant_sections(ASSIGNMENT, "partly_wrong")})

    reporter = copy.deepcopy(release)
    reporter.cells.insert(2, nbformat.v4.new_code_cell(_SELF_REPORT.replace("@COURSE@",
                                                                           str(course.root))))
    tampered = copy.deepcopy(wrong)
    for cell in graded(tampered).values():
        cell.metadata.nbgrader["points"] = 100
        cell.metadata.nbgrader["checksum"] = "0" * 32
    deleted = copy.deepcopy(wrong)
    deleted.cells = [c for c in deleted.cells
                     if c.metadata.get("nbgrader", {}).get("grade_id") != "test_train_step"]
    shuffled = copy.deepcopy(wrong)
    tests = [c for c in shuffled.cells if c.metadata.get("nbgrader", {}).get("grade")]
    shuffled.cells = [c for c in shuffled.cells if c not in tests] + tests[::-1] + tests
    schema = copy.deepcopy(wrong)
    graded(schema)["test_build_net"].metadata.nbgrader["schema_version"] = 99
    kernel = copy.deepcopy(wrong)
    kernel.metadata["kernelspec"] = {"name": "evil", "display_name": "Evil", "language": "bash"}

    for student, nb in {"reporter": reporter, "wrong": wrong, "tampered": tampered,
                        "deleted": deleted, "shuffled": shuffled, "kernel": kernel,
                        "schema": schema, FAULTY_STUDENT: wrong}.items():
        with warnings.catch_warnings():
            # The duplicated cells are the attack: write them as the student would.
            warnings.simplefilter("ignore", DuplicateCellId)
            course.submit(student, ASSIGNMENT, nb)
    _plant_unsafe_files(course, root, wrong)
    broken = course.root / "submitted" / "broken" / ASSIGNMENT
    broken.mkdir(parents=True)
    (broken / f"{ASSIGNMENT}.ipynb").write_text('{"cells": [ this is not json')
    try:
        course.autograde(ASSIGNMENT)
        failed = ""
    except NbgraderError as exc:
        failed = str(exc)  # nbgrader reports the broken student after grading the others
    return course, failed


#: Entries planted beside the "linker" student's notebook, none of which may be copied.
UNSAFE = ("hidden_tests.py", "other_student.ipynb", "passwd", "solutions_dir",
          "hard_link.py", "big.bin")


def _plant_unsafe_files(course, course_copy: Path, notebook) -> None:
    """linker: a real answer beside links to the hidden tests, another student's work, a
    system file and the solutions folder, a hard link to the reference, an oversized file
    and one harmless note. notebook_link: the notebook itself links to the source notebook
    (with its solutions)."""
    folder = course.submit("linker", ASSIGNMENT, notebook).parent
    (folder / "hidden_tests.py").symlink_to(course_copy / "graders" / ASSIGNMENT
                                            / "test_build_net.py")
    (folder / "other_student.ipynb").symlink_to(
        course.root / "submitted" / "wrong" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    (folder / "passwd").symlink_to("/etc/passwd")
    (folder / "solutions_dir").symlink_to(course_copy / "solutions")
    os.link(course_copy / "solutions" / f"{ASSIGNMENT}.py", folder / "hard_link.py")
    with (folder / "big.bin").open("wb") as big:
        big.truncate(33 * 1024 * 1024)
    (folder / "notes.txt").write_text("ghi chú của em\n")
    linked = course.root / "submitted" / "notebook_link" / ASSIGNMENT
    linked.mkdir(parents=True)
    (linked / f"{ASSIGNMENT}.ipynb").symlink_to(course.root / "assignments" / ASSIGNMENT
                                                / f"{ASSIGNMENT}.ipynb")


#: The system, the engine (mounted at /opt/course-engine) and scratch space.
SYSTEM_TOP_LEVEL = {"bin", "dev", "etc", "lib", "lib32", "lib64", "libx32", "opt", "proc",
                    "root", "sbin", "tmp", "usr"}


def runtime_top_level() -> set[str]:
    """Top-level folders of the Python runtime, which the sandbox mounts read-only at their
    own paths (the checkout may live anywhere: /work, /check, ...)."""
    paths = {Path(sys.prefix), Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()}
    return {path.parts[1] for path in paths if len(path.parts) > 1}


def scores(course):
    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}", "d2l-keras-vi") as gb:
        return {s.student.id: s.score for s in gb.assignment_submissions(ASSIGNMENT)
                if (course.autograded_path(s.student.id, ASSIGNMENT)).exists()}


def test_student_code_runs_only_in_the_sandbox(batch):
    """A notebook that reports its own uid, namespaces and view of the disk shows the sandbox."""
    course, _ = batch
    nb = nbformat.read(course.autograded_path("reporter", ASSIGNMENT), as_version=4)
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs)
    facts = json.loads(text.split("SELF-REPORT ", 1)[1].splitlines()[0])
    assert facts["uid"] == facts["euid"] == facts["gid"]
    assert facts["uid"] in uid_range()  # a uid leased for this runner alone, no account
    assert facts["caps"] == ["CapEff:\t0000000000000000"]
    for kind in ("pid", "net", "ipc", "uts", "mnt"):
        assert facts["ns"][kind] != os.readlink(f"/proc/self/ns/{kind}"), kind
    # The new root holds the system, the Python runtime's folders and scratch space only.
    assert set(facts["root"]) <= SYSTEM_TOP_LEVEL | runtime_top_level()
    assert not facts["sees_graders"]
    assert not facts["sees_gradebook"]
    assert "COURSE_DATA_DIR" not in facts["env"]
    assert facts["pid"] < 10  # a fresh pid namespace


def test_broken_notebook_does_not_stop_the_batch(batch):
    """A malformed submission is reported by nbgrader; every other student is graded."""
    course, failed = batch
    assert failed
    graded_students = set(scores(course))
    assert graded_students == {"reporter", "wrong", "tampered", "deleted", "shuffled",
                               "kernel", "schema", "linker"}, failed
    assert "broken" in failed


def test_grading_fault_leaves_one_submission_ungraded_and_the_batch_goes_on(batch):
    """A runner that cannot start is the machine's fault: that submission gets no grade
    (no autograded notebook, no auto score in the gradebook, named among nbgrader's
    failures with the cause), and every other submission of the batch is graded."""
    course, failed = batch
    assert f"for student '{FAULTY_STUDENT}'" in failed
    assert "grading fault (runner-start)" in failed
    assert "/nonexistent/python3" in failed
    assert not course.autograded_path(FAULTY_STUDENT, ASSIGNMENT).exists()
    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}", "d2l-keras-vi") as gb:
        notebook = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, FAULTY_STUDENT)
        assert notebook.grades
        assert all(g.auto_score is None and g.needs_manual_grade for g in notebook.grades)
    assert "wrong" in scores(course)


def test_notebook_tampering_gains_nothing(batch):
    """Changed points and checksums, deleted, duplicated or reordered cells and another
    kernelspec never score above the same answer untouched."""
    course, _ = batch
    result = scores(course)
    assert 0 < result["wrong"] < 20
    for student in ("tampered", "deleted", "shuffled", "kernel", "schema"):
        assert result[student] <= result["wrong"], (student, result)


def test_links_and_special_files_beside_a_notebook_never_reach_the_student(batch):
    """nbgrader copies a submitted folder following links; what a link, hard link or
    oversized file brought into autograded/ (which feedback and the exchange hand back) is
    deleted, the notebook and ordinary files stay, and a notebook that is itself a link to
    the source notebook is not graded at all."""
    course, failed = batch
    folder = course.autograded_path("linker", ASSIGNMENT).parent
    kept = {path.name for path in folder.iterdir()}
    assert {f"{ASSIGNMENT}.ipynb", "notes.txt"} <= kept
    assert not kept & set(UNSAFE), kept
    copied = "".join(path.read_text(errors="replace") for path in folder.rglob("*")
                     if path.is_file() and path.suffix != ".ipynb")
    assert "EXPECTED_CLASSES" not in copied
    assert "root:" not in copied
    assert "linker" in scores(course)
    assert not course.autograded_path("notebook_link", ASSIGNMENT).exists()
    assert "notebook_link" not in scores(course)
    assert "for student 'notebook_link'" in failed  # the reason: test_submission_files.py
