"""Grade one notebook: run the judge in a fresh process and read its report.

TRUSTED SIDE, orchestration only. This process (``course grade``, or nbgrader's
autograde step) neither executes student code nor imports the hidden checks:
it starts ``pytest -p autograder.judge.plugin graders/<id>`` as a separate
process, which in turn starts the sandboxed runner. The judge's report is the
only thing that comes back.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.config import detect_profile
from autograder.judge.sandbox import (
    BUBBLEWRAP,
    PROCESS,
    IsolationUnavailable,
    bubblewrap_problem,
)
from autograder.layout import CourseLayout
from autograder.report import GradeReport

__all__ = ["GradingError", "IsolationUnavailable", "choose_isolation", "grade_notebook"]

#: Extra wall time the judge gets beyond the runner's budget (pytest start-up, data loading).
_JUDGE_MARGIN_S = 120

_PYTEST_INI = """[pytest]
addopts = -p no:cacheprovider
filterwarnings =
    ignore::DeprecationWarning
"""


class GradingError(RuntimeError):
    """The judge itself failed (an instructor-side problem, not a low score)."""


def choose_isolation(allow_weak: bool) -> str:
    """bubblewrap when it works here; plain processes only when the instructor accepts it.

    Raises:
        IsolationUnavailable: naming the install command when bubblewrap cannot
            be used and ``allow_weak`` is false.
    """
    problem = bubblewrap_problem()
    if problem is None:
        return BUBBLEWRAP
    if allow_weak:
        return PROCESS
    raise IsolationUnavailable(
        f"refusing to grade without a sandbox: {problem}. To accept weaker isolation "
        "(separate process with rlimits; student code can read your files), pass "
        "--allow-weak-isolation (nbgrader: c.SandboxedGrade.allow_weak_isolation = True)."
    )


def grade_notebook(
    notebook: nbformat.NotebookNode | Path,
    assignment_id: str,
    layout: CourseLayout,
    profile: str | None = None,
    seed: int | None = None,
    allow_weak_isolation: bool = False,
) -> GradeReport:
    """Grade a submission with the assignment's hidden checks.

    Args:
        notebook: the submission, as a parsed notebook or a path to one.
        assignment_id: which assignment's checks to run.
        layout: the course repository (graders, course_config.py).
        profile: ``cpu`` or ``gpu``; ``None`` picks via :func:`detect_profile`.
        seed: seed for the probe inputs; ``None`` draws one (recorded in the report).
        allow_weak_isolation: grade in a plain process when bubblewrap is unavailable.

    Returns:
        The judge's report: per-check verdicts and the executed cells' outputs.

    Raises:
        GradingError: when the judge could not produce a report.
        IsolationUnavailable: when no sandbox is available and weak isolation
            was not accepted.
    """
    isolation = choose_isolation(allow_weak_isolation)
    # The judge runs in a scratch folder: hand it absolute paths.
    layout = CourseLayout(layout.root.resolve())
    course = layout.course()
    settings = course.assignment(assignment_id)
    profile_name = detect_profile(profile)
    limits = settings.profile(profile_name).limits
    graders = layout.grader_dir(assignment_id)
    if not graders.is_dir():
        raise GradingError(f"no hidden checks for {assignment_id}: {graders} is missing")
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="course-judge-") as work:
        work_path = Path(work)
        notebook_path = work_path / "submission.ipynb"
        if isinstance(notebook, Path):
            notebook = nbformat.read(notebook, as_version=4)
        nbformat.write(notebook, notebook_path)
        (work_path / "pytest.ini").write_text(_PYTEST_INI)
        report_path = work_path / "report.json"
        command = [
            sys.executable, "-m", "pytest", "-q", "-p", "autograder.judge.plugin",
            "-c", str(work_path / "pytest.ini"), "--rootdir", str(graders),
            "--import-mode=importlib", "--assert=plain", "-o", "console_output_style=classic",
            # Helper modules beside the checks (e.g. a reference implementation) are importable.
            "-o", f"pythonpath={graders}",
            str(graders), "--notebook", str(notebook_path), "--report", str(report_path),
            "--assignment", assignment_id, "--profile", profile_name,
            "--course-root", str(layout.root), "--isolation", isolation,
        ]
        if seed is not None:
            command += ["--seed", str(seed)]
        log = _run_judge(command, work_path, limits.submission_seconds + _JUDGE_MARGIN_S)
        if not report_path.is_file():
            raise GradingError(f"the judge for {assignment_id} wrote no report:\n{log[-3000:]}")
        report = GradeReport.load(report_path)
    report.elapsed_s = time.monotonic() - started
    return report


def _run_judge(command: list[str], cwd: Path, timeout_s: int) -> str:
    env = dict(os.environ)
    env.pop("PYTEST_ADDOPTS", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    with subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, start_new_session=True) as judge:
        try:
            out, _ = judge.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(judge.pid, signal.SIGKILL)
            out, _ = judge.communicate()
            raise GradingError(f"the judge ran past {timeout_s} s and was killed") from None
    return out.decode(errors="replace")
