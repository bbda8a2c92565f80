"""Grade one notebook: run the judge in a fresh process and read its report.

TRUSTED SIDE, orchestration only. This process (``course grade``, or nbgrader's
autograde step) neither executes student code nor imports the hidden checks:
it starts ``pytest -p autograder.judge.plugin graders/<id>`` as a separate
process, which in turn starts the sandboxed runner. The judge's report is the
only thing that comes back.
"""

from __future__ import annotations

import os
import secrets
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

import nbformat

from autograder.config import detect_profile, gpu_visible
from autograder.errors import (
    DeviceUnavailable,
    IsolationUnavailable,
    JudgeFailure,
    fault_from_kind,
)
from autograder.judge.sandbox import BUBBLEWRAP, PROCESS, bubblewrap_problem
from autograder.layout import CourseLayout
from autograder.report import GradeReport

__all__ = ["RUNNER_PYTHON_ENV", "choose_isolation", "grade_notebook", "judge_environment",
           "require_device"]

#: Environment variable naming the interpreter that runs student code (default: this one).
RUNNER_PYTHON_ENV = "COURSE_RUNNER_PYTHON"
#: Extra wall time the judge gets beyond the runner's budget (pytest start-up, data loading).
_JUDGE_MARGIN_S = 120
#: What the judge keeps of the caller's environment: where things are, nothing that changes
#: how Python runs (PYTHONOPTIMIZE, PYTHONPATH, PYTHONSTARTUP, PYTHONHASHSEED, ...).
_PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR",
                   "COURSE_DATA_DIR", "COURSE_DATA_CACHE", "COURSE_OFFLINE",
                   "COURSE_TRAINING_CACHE", "CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES")
_JUDGE_FIXED = {
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONHASHSEED": "0",
    # Only the judge plugin, not whatever pytest plugins the environment happens to hold.
    "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
}

_PYTEST_INI = """[pytest]
addopts = -p no:cacheprovider
filterwarnings =
    ignore::DeprecationWarning
"""


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
    message, fix = problem
    raise IsolationUnavailable(
        f"refusing to grade without a sandbox: {message}",
        hint=f"{fix}; or, to accept weaker isolation (a separate process with rlimits; "
             "student code can read your files), pass --allow-weak-isolation "
             "(nbgrader: c.SandboxedGrade.allow_weak_isolation = True)")


def grade_notebook(
    notebook: nbformat.NotebookNode | Path,
    assignment_id: str,
    layout: CourseLayout,
    profile: str | None = None,
    seed: int | None = None,
    allow_weak_isolation: bool = False,
    runner_python: str | None = None,
    source_policy: bool = True,
) -> GradeReport:
    """Grade a submission with the assignment's hidden checks.

    Args:
        notebook: the submission, as a parsed notebook or a path to one.
        assignment_id: which assignment's checks to run.
        layout: the course repository (graders, course_config.py).
        profile: ``cpu`` or ``gpu``; ``None`` picks via :func:`detect_profile`.
        seed: seed for the probe inputs and the runner's generators; ``None``
            draws one. The report records it: the same seed replays the grading.
        allow_weak_isolation: grade in a plain process when bubblewrap is unavailable.
        runner_python: the interpreter that runs student code; ``None``:
            ``COURSE_RUNNER_PYTHON``, else this process's interpreter.
        source_policy: screen the submitted cells with the source policy first
            (:mod:`autograder.judge.source_policy`). Off only to test the sandbox
            on its own; the report's notes then say so.

    Returns:
        The judge's report: per-check verdicts and the executed cells' outputs.

    Raises:
        GradingFault: when no grade can be given for a reason that is not the
            submission's (the sandbox, the runner's start, a missing data set, a
            broken check, the judge itself). Never turned into a score.
        ConfigError: when ``course_config.py`` is broken or names no such assignment.
    """
    isolation = choose_isolation(allow_weak_isolation)
    # The judge runs in a scratch folder: hand it absolute paths.
    layout = CourseLayout(layout.root.resolve())
    settings = layout.course().assignment(assignment_id)
    profile_name = detect_profile(profile)
    require_device(profile_name)
    runner_python = runner_python or os.environ.get(RUNNER_PYTHON_ENV) or None
    limits = settings.profile(profile_name).limits
    graders = layout.grader_dir(assignment_id)
    if not graders.is_dir():
        raise JudgeFailure(f"no hidden checks for {assignment_id}: {graders} is missing",
                           hint="restore graders/ in the course repository")
    seed = secrets.randbits(31) if seed is None else seed
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
            # -s -P, not -I: the environment is built here (judge_environment), and -I's -E
            # would drop its PYTHONHASHSEED.
            sys.executable, "-s", "-P", "-m", "pytest", "-q", "-p", "autograder.judge.plugin",
            "-c", str(work_path / "pytest.ini"), "--rootdir", str(graders),
            "--import-mode=importlib", "--assert=plain", "-o", "console_output_style=classic",
            # Helper modules beside the checks (e.g. a reference implementation) are importable.
            # pytest splits this option with shlex: quoted, a checkout path with spaces works.
            "-o", f"pythonpath={shlex.quote(str(graders))}",
            str(graders), "--notebook", str(notebook_path), "--report", str(report_path),
            "--assignment", assignment_id, "--profile", profile_name,
            "--course-root", str(layout.root), "--isolation", isolation, "--seed", str(seed),
            "--source-policy", "enforce" if source_policy else "off",
        ]
        if runner_python:
            command += ["--runner-python", runner_python]
        log = _run_judge(command, work_path, limits.submission_seconds + _JUDGE_MARGIN_S)
        if not report_path.is_file():
            raise JudgeFailure(f"the judge for {assignment_id} wrote no report",
                               hint="run `course grade` on the reference solution and read "
                                    "the judge's log", log=log[-3000:])
        report = GradeReport.load(report_path)
    report.elapsed_s = time.monotonic() - started
    if report.fault is not None:
        fault = report.fault
        where = f" (check {fault.check})" if fault.check else ""
        raise fault_from_kind(fault.kind, fault.message + where, fault.hint, fault.log)
    return report


def require_device(profile_name: str) -> None:
    """Refuse the gpu profile on a machine that shows no GPU (before anything starts).

    Raises:
        DeviceUnavailable: naming what is missing and the two ways out.
    """
    if profile_name == "gpu" and not gpu_visible():
        raise DeviceUnavailable(
            "the gpu profile needs an NVIDIA GPU and none is visible here "
            "(no /dev/nvidia0 or no nvidia-smi)",
            hint="grade with --profile cpu, or on a machine with a GPU and its driver")


def judge_environment(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The judge's whole environment: locations from the caller's, the rest fixed here."""
    env = os.environ if environ is None else environ
    kept = {name: env[name] for name in _PASSED_THROUGH if name in env}
    kept.setdefault("PATH", "/usr/bin:/bin")
    # nbgrader and the sandbox tools run from this environment's bin folder.
    kept["PATH"] = os.pathsep.join((str(Path(sys.executable).parent), kept["PATH"]))
    return {**kept, **_JUDGE_FIXED}


def _run_judge(command: list[str], cwd: Path, timeout_s: int) -> str:
    with subprocess.Popen(command, cwd=cwd, env=judge_environment(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, start_new_session=True) as judge:
        try:
            out, _ = judge.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(judge.pid, signal.SIGKILL)
            judge.communicate()
            raise JudgeFailure(f"the judge ran past {timeout_s} s and was killed",
                               hint="raise submission_seconds in course_config.py if the "
                                    "reference needs longer") from None
    return out.decode(errors="replace")
