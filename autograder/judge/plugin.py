"""pytest plugin that turns an assignment's hidden checks into the judge.

TRUSTED SIDE. Loaded with ``-p autograder.judge.plugin`` in a fresh process by
:func:`autograder.grading.grade_notebook`. At session start it launches the
runner (which executes the student's notebook); each check then talks to the
runner through the ``runner`` fixture and never sees student code itself. At
session end it writes a :class:`~autograder.report.GradeReport`.

A check is a pytest test marked with its cell and points::

    @pytest.mark.check(cell="test_dropout_layer", points=1)
    def test_p0_is_identity(runner):
        '''Với p = 0, dropout_layer phải trả lại đúng đầu vào.'''
        ...
        assert np.array_equal(out, x), "dropout_layer(X, 0) làm thay đổi X."

The first docstring line and the assertion message (both Vietnamese) are what
the student sees; the check's source never leaves this process.
"""

from __future__ import annotations

import os
import time
from collections.abc import Generator
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.config import AssignmentProfile, load_course
from autograder.judge.client import (
    Cell,
    RunnerClient,
    RunnerFailure,
    StudentCodeError,
)
from autograder.judge.sandbox import PROCESS, WEAK_NOTE
from autograder.report import CellOutputs, CheckResult, GradeReport

__all__ = ["SKIP_TAG"]

#: Cells with this tag (data downloads, long demos) are not executed when grading.
SKIP_TAG = "skip-grading"

_MESSAGES = {
    "error": "Mã của bạn gây lỗi khi bộ chấm gọi nó: {detail}",
    "timeout": "Hết thời gian cho phép khi chạy mã của bạn ({detail}).",
    "oom": "Mã của bạn dùng quá nhiều bộ nhớ ({detail}).",
    "crashed": "Tiến trình chạy bài của bạn bị dừng đột ngột ({detail}).",
    "killed": "Tiến trình chạy bài của bạn bị hệ điều hành buộc dừng ({detail}).",
    "grader-error": "Bộ chấm gặp lỗi nội bộ ở mục này (không phải lỗi của bạn); "
                    "hãy báo cho giảng viên.",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("course-judge", "course autograder judge")
    group.addoption("--notebook", help="submitted notebook to grade (.ipynb)")
    group.addoption("--report", help="where to write the JSON grade report")
    group.addoption("--assignment", help="assignment id, e.g. 03_dropout")
    group.addoption("--profile", help="runner profile: cpu or gpu")
    group.addoption("--course-root", help="course repository (holds course_config.py)")
    group.addoption("--seed", type=int, default=None, help="seed for probe inputs")
    group.addoption("--isolation", default="bubblewrap",
                    help="runner isolation: bubblewrap|process")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "check(cell, points): a hidden check worth `points` for notebook cell `cell`"
    )
    if config.getoption("--notebook"):
        config.pluginmanager.register(JudgeSession(config), "course-judge-session")


class JudgeSession:
    """State of one judge run: the runner client, the profile and the verdicts."""

    def __init__(self, config: pytest.Config) -> None:
        root = Path(config.getoption("--course-root"))
        assignment = load_course(root / "course_config.py").assignment(
            config.getoption("--assignment"))
        self.profile_name: str = config.getoption("--profile")
        self.profile: AssignmentProfile = assignment.profile(self.profile_name)
        seed = config.getoption("--seed")
        self.seed = int(seed) if seed is not None else int.from_bytes(os.urandom(4), "big")
        self.report = GradeReport(assignment=assignment.id, profile=self.profile_name,
                                  seed=self.seed)
        self.report_path = Path(config.getoption("--report"))
        notebook = nbformat.read(config.getoption("--notebook"), as_version=4)
        self.client = RunnerClient(_code_cells(notebook), self.profile.limits,
                                   isolation=config.getoption("--isolation"),
                                   gpu=self.profile_name == "gpu")
        self.cell_order = {
            str(cell.metadata["nbgrader"].get("grade_id")): index
            for index, cell in enumerate(notebook.cells)
            if "nbgrader" in cell.get("metadata", {})
        }
        self._started = time.monotonic()

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        runs = self.client.start()
        self.report.cells = [CellOutputs(r.index, r.outputs, r.raised, r.status) for r in runs]

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        unmarked = [item.nodeid for item in items if item.get_closest_marker("check") is None]
        if unmarked:
            raise pytest.UsageError(f"every grader test needs @pytest.mark.check: {unmarked}")

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        if report.when == "call" or (report.when == "setup" and not report.passed):
            verdict = _verdict(item, call)
            if verdict.status == "grader-error" and call.excinfo is not None:
                self.report.notes.append(f"grader error in {item.nodeid}: "
                                         f"{call.excinfo.typename}: {call.excinfo.value}")
            self.report.checks.append(verdict)
        return report

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.client.close()
        # Report checks in notebook order, whatever order pytest collected them in.
        self.report.checks.sort(key=lambda c: self.cell_order.get(c.cell, len(self.cell_order)))
        self.report.isolation = self.client.isolation
        if self.client.isolation == PROCESS:
            self.report.notes.insert(0, WEAK_NOTE)
        self.report.notes.extend(self.client.failures)
        self.report.elapsed_s = time.monotonic() - self._started
        self.report.save(self.report_path)


@pytest.fixture(scope="session")
def judge(request: pytest.FixtureRequest) -> JudgeSession:
    session = request.config.pluginmanager.get_plugin("course-judge-session")
    if not isinstance(session, JudgeSession):
        raise pytest.UsageError("grader checks run only through `course grade` or nbgrader")
    return session


@pytest.fixture
def runner(judge: JudgeSession) -> RunnerClient:
    """The client of the runner that executed this submission."""
    return judge.client


@pytest.fixture
def profile(judge: JudgeSession) -> AssignmentProfile:
    """Recipe, thresholds and limits of the selected profile."""
    return judge.profile


@pytest.fixture
def rng(judge: JudgeSession, request: pytest.FixtureRequest) -> np.random.Generator:
    """Random inputs drawn at grading time; the seed is recorded in the report."""
    return np.random.default_rng([judge.seed, abs(hash(request.node.name)) % (2**31)])


def _code_cells(notebook: nbformat.NotebookNode) -> list[Cell]:
    return [
        Cell(index, cell.source)
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and SKIP_TAG not in cell.get("metadata", {}).get("tags", [])
    ]


def _verdict(item: pytest.Item, call: pytest.CallInfo[None]) -> CheckResult:
    marker = item.get_closest_marker("check")
    cell = str(marker.kwargs["cell"]) if marker else "?"
    points = float(marker.kwargs.get("points", 1)) if marker else 0.0
    summary = _summary(item)
    if call.excinfo is None:
        return CheckResult(item.name, cell, points, points, "passed")
    exc = call.excinfo.value
    if isinstance(exc, AssertionError):
        detail = str(exc.args[0]) if exc.args else ""
        message = f"{summary} {detail}".strip()
        return CheckResult(item.name, cell, 0.0, points, "failed", message)
    if isinstance(exc, StudentCodeError):
        status, detail = "error", f"{exc.type}: {exc.message}"
    elif isinstance(exc, RunnerFailure):
        status, detail = exc.status, str(exc)
    else:
        status, detail = "grader-error", ""
    message = f"{summary} {_MESSAGES[status].format(detail=detail)}".strip()
    return CheckResult(item.name, cell, 0.0, points, status, message)


def _summary(item: pytest.Item) -> str:
    doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
    first = doc.strip().splitlines()[0].strip() if doc.strip() else item.name
    return first if first.endswith((".", "!", "?", ":")) else first + "."
