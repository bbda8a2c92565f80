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

Before the runner starts, the judge screens the submitted file with the source
policy (:mod:`autograder.judge.source_policy`): a cell that breaks a rule is
not sent to the runner, and every check of the graded cell it belongs to ends
``policy`` with the rule's reason, whatever the runner could have said.
"""

from __future__ import annotations

import os
import resource
import sys
import time
import zlib
from collections.abc import Generator, Iterable
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.config import AssignmentProfile, load_course
from autograder.errors import GraderBug, GradingFault, JudgeFailure, ResourceMissing
from autograder.judge import training_cache
from autograder.judge.client import (
    Cell,
    RunnerClient,
    RunnerFailure,
    StudentCodeError,
)
from autograder.judge.sandbox import PROCESS, WEAK_NOTE
from autograder.judge.source_policy import (
    ScreenedCell,
    given_sources,
    load_rules,
    screen_notebook,
)
from autograder.layout import CourseLayout
from autograder.report import CellOutputs, CheckResult, Fault, GradeReport
from autograder.verdicts import CellStatus, Status, student_message

__all__ = ["ENFORCE", "SKIP_TAG", "PolicyBlocked"]

#: Cells with this tag (data downloads, long demos) are not executed when grading.
SKIP_TAG = "skip-grading"
#: ``--source-policy`` values: screen every submission (the default), or not at all.
ENFORCE, POLICY_OFF = "enforce", "off"
#: Instructor-facing note of a grading done without the source policy.
POLICY_OFF_NOTE = ("source policy off (--source-policy off): cells were not screened, so "
                   "checks rest on the sandbox and on what the runner reports")


class PolicyBlocked(Exception):
    """A check not run because a cell it grades breaks the source policy."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


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
    group.addoption("--runner-python", default=None,
                    help="interpreter that runs student code (default: the judge's own)")
    group.addoption("--source-policy", default=ENFORCE, choices=(ENFORCE, POLICY_OFF),
                    help="screen submitted cells with the source policy (default) or not")


#: The judge's own address space, in MiB (soft ``RLIMIT_AS``). A runner's reply is at most
#: the protocol's 256 MiB payload; the largest judges measured (01, which imports Keras for
#: its truths; 06, which sends AlexNet's weights) peak far below this. A check or a reply
#: that needs more ends in ``MemoryError``, a grading fault, instead of the machine's memory.
JUDGE_MEMORY_MB = 4096


def bound_own_memory(limit_mb: int = JUDGE_MEMORY_MB) -> None:
    """Lower this process's soft address-space limit to ``limit_mb`` (never raise it).

    Only the soft limit: the runner inherits it and must still be able to set its
    own, larger ``memory_mb`` (an unprivileged process cannot raise a hard limit).
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = limit_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    if soft == resource.RLIM_INFINITY or soft > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "check(cell, points): a hidden check worth `points` for notebook cell `cell`"
    )
    if config.getoption("--notebook"):
        if config.getoption("--profile") == "gpu":
            # CUDA reserves far more address space than it uses, so the judge's own training
            # on a GPU cannot run under JUDGE_MEMORY_MB (not measured here: no GPU was lent);
            # the gpu judge relies on the protocol's payload cap and on training_memory_mb.
            os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")
        else:
            bound_own_memory()
        config.pluginmanager.register(JudgeSession(config), "course-judge-session")


class JudgeSession:
    """State of one judge run: the runner client, the profile, the verdicts and any fault.

    A grading fault (the runner cannot start, a data set is missing, a check is
    broken) stops the session: the remaining checks are not run and the report
    carries the fault instead of a usable score.
    """

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
        self.enforce_policy = config.getoption("--source-policy") == ENFORCE
        self.screened: dict[int, ScreenedCell] = {}
        if self.enforce_policy:
            try:
                self.screened = _screen(notebook, CourseLayout(root), assignment.id)
            except (OSError, ValueError) as exc:
                self.record_fault(GraderBug(f"the source policy cannot be read: {exc}",
                                            hint="restore assignments/<id>/<id>.ipynb and "
                                                 "graders/<id>/source_rules.toml"))
        else:
            self.report.notes.append(POLICY_OFF_NOTE)
        #: Why each graded cell's checks are not run: its cells' broken rules.
        self.blocked: dict[str, str] = _reasons(self.screened.values())
        if config.getoption("--isolation") == PROCESS:
            # Student code that can write this user's files could write the record too: a
            # weakly isolated grading neither reads nor writes it.
            os.environ[training_cache.CACHE_ENV] = "off"
        self.client = RunnerClient([c for c in _code_cells(notebook)
                                    if c.index not in self.screened],
                                   self.profile.limits,
                                   isolation=config.getoption("--isolation"),
                                   gpu=self.profile_name == "gpu", seed=self.seed,
                                   python=config.getoption("--runner-python"),
                                   protect=[root])
        self.cell_order = {
            str(cell.metadata["nbgrader"].get("grade_id")): index
            for index, cell in enumerate(notebook.cells)
            if "nbgrader" in cell.get("metadata", {})
        }
        self._started = time.monotonic()

    def record_fault(self, fault: GradingFault, check: str = "") -> None:
        """Keep the first grading fault; the report will carry it instead of a score."""
        if self.report.fault is None:
            self.report.fault = Fault(kind=fault.kind, message=fault.message, hint=fault.hint,
                                      check=check, log=fault.log)

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if self.report.fault is not None:
            return
        problem = _assertions_problem()
        if problem is not None:
            self.record_fault(JudgeFailure(problem, hint="run the judge without -O or "
                                           "PYTHONOPTIMIZE (course grade builds its environment)"))
            return
        try:
            runs = self.client.start()
        except GradingFault as fault:
            self.record_fault(fault)
            return
        self.report.cells = _with_policy_outputs(
            [CellOutputs(r.index, r.outputs, r.raised, r.status) for r in runs], self.screened)
        for screened in self.screened.values():
            rules = ", ".join(sorted({v.rule for v in screened.violations}))
            cost = (f"checks of {screened.owner} lost" if screened.owner is not None
                    else "no graded cell follows it")
            self.report.notes.append(
                f"source policy: cell {screened.index} breaks {rules} rules (not run; {cost})")

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        """A check of a cell that breaks the source policy is not run: its verdict is
        ``policy`` whatever the runner would say."""
        marker = item.get_closest_marker("check")
        reasons = self.blocked.get(str(marker.kwargs.get("cell"))) if marker else None
        if reasons:
            raise PolicyBlocked(reasons)

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        unmarked = [item.nodeid for item in items if item.get_closest_marker("check") is None]
        if unmarked:
            raise pytest.UsageError(f"every grader test needs @pytest.mark.check: {unmarked}")
        if self.report.fault is not None:
            items.clear()  # nothing a check could find out would become a score

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        if report.when == "call" or (report.when == "setup" and not report.passed):
            verdict = _verdict(item, call)
            if verdict.status is Status.GRADER_ERROR and call.excinfo is not None:
                self.record_fault(_as_fault(call.excinfo.value, item.nodeid), item.name)
                item.session.shouldstop = "grading fault"
            self.report.checks.append(verdict)
        return report

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.client.close()
        # Report checks in notebook order, whatever order pytest collected them in.
        self.report.checks.sort(key=lambda c: self.cell_order.get(c.cell, len(self.cell_order)))
        self.report.isolation = self.client.isolation
        self.report.tree_bounds = self.client.tree_bounds
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
    """Random inputs drawn at grading time: the same for the same seed and check, in any
    process (a stable digest of the check's name, not Python's salted ``hash``)."""
    return np.random.default_rng([judge.seed, zlib.crc32(request.node.name.encode())])


def _code_cells(notebook: nbformat.NotebookNode) -> list[Cell]:
    return [
        Cell(index, cell.source)
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code" and SKIP_TAG not in cell.get("metadata", {}).get("tags", [])
    ]


def _screen(notebook: nbformat.NotebookNode, layout: CourseLayout,
            assignment_id: str) -> dict[int, ScreenedCell]:
    """The submitted cells that break the source policy (see ``source_policy``)."""
    source = nbformat.read(layout.source_notebook(assignment_id), as_version=4)
    return screen_notebook(
        notebook, given_sources(source), load_rules(layout.grader_dir(assignment_id)),
        skip=lambda cell: SKIP_TAG in cell.get("metadata", {}).get("tags", []))


def _reasons(screened: Iterable[ScreenedCell]) -> dict[str, str]:
    """Per graded cell, the rules its held-back cells break: ``dòng 5, 7: reason; ...``."""
    lines: dict[str, dict[str, list[int]]] = {}
    for cell in screened:
        if cell.owner is not None:
            for violation in cell.violations:
                lines.setdefault(cell.owner, {}).setdefault(violation.message, []).append(
                    violation.line)
    return {owner: "; ".join(f"dòng {', '.join(map(str, dict.fromkeys(numbers)))}: {message}"
                             for message, numbers in by_message.items())
            for owner, by_message in lines.items()}


def _with_policy_outputs(cells: list[CellOutputs],
                         screened: dict[int, ScreenedCell]) -> list[CellOutputs]:
    """Every executed cell, and each refused cell with the policy's reason as its output
    and status ``policy``."""
    refused = [CellOutputs(index, [{"output_type": "stream", "name": "stdout",
                                    "text": cell.student_text()}], False, CellStatus.POLICY)
               for index, cell in screened.items()]
    return sorted([*cells, *refused], key=lambda cell: cell.index)


def _verdict(item: pytest.Item, call: pytest.CallInfo[None]) -> CheckResult:
    marker = item.get_closest_marker("check")
    cell = str(marker.kwargs["cell"]) if marker else "?"
    points = float(marker.kwargs.get("points", 1)) if marker else 0.0
    summary = _summary(item)
    if call.excinfo is None:
        return CheckResult(item.name, cell, points, points, Status.PASSED)
    exc = call.excinfo.value
    if isinstance(exc, PolicyBlocked):
        message = f"{summary} {student_message(Status.POLICY, exc.detail)}"
        return CheckResult(item.name, cell, 0.0, points, Status.POLICY, message)
    if isinstance(exc, AssertionError):
        detail = str(exc.args[0]) if exc.args else ""
        message = f"{summary} {detail}".strip()
        return CheckResult(item.name, cell, 0.0, points, Status.FAILED, message)
    if isinstance(exc, StudentCodeError):
        status, detail = Status.ERROR, f"{exc.type}: {exc.message}"
    elif isinstance(exc, RunnerFailure):
        status, detail = exc.status, exc.student
    else:
        status, detail = Status.GRADER_ERROR, ""
    message = f"{summary} {student_message(status, detail)}".strip()
    return CheckResult(item.name, cell, 0.0, points, status, message)


def _as_fault(exc: BaseException, where: str) -> GradingFault:
    """The grading fault behind a check that ended in something other than a verdict."""
    if isinstance(exc, GradingFault):
        return exc
    if _is_data_error(exc):
        return ResourceMissing(f"{where}: {exc}", hint="provide the data set as README, "
                               "'Data' says (COURSE_DATA_DIR, the cache or a download)")
    return GraderBug(f"{where} raised {type(exc).__name__}: {str(exc)[:500]}",
                     hint="fix the check in graders/ (a check may fail only with assert)")


def _is_data_error(exc: BaseException) -> bool:
    data = sys.modules.get("course_datasets")
    return data is not None and isinstance(exc, data.DataError)


def _assertions_problem() -> str | None:
    """Why this judge cannot trust its own ``assert`` statements, if it cannot."""
    if sys.flags.optimize:
        return f"assertions are disabled in the judge (python -O, optimize={sys.flags.optimize})"
    try:
        assert False  # noqa: S101, B011, PT015 - proves that assert statements run here
    except AssertionError:
        return None
    return "assertions are disabled in the judge"


def _summary(item: pytest.Item) -> str:
    doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
    first = doc.strip().splitlines()[0].strip() if doc.strip() else item.name
    return first if first.endswith((".", "!", "?", ":")) else first + "."
