"""The ``course`` command: grade one notebook, validate the course, run the demo.

Exit codes (README, "Exit codes"):

* 0: the command did its job (a low score is not an error);
* 1: an instructor-side error (``course_config.py``, nbgrader, a failed validation);
* 2: a usage error;
* 3: ``course grade`` cannot read the notebook;
* 4: a grading fault: no grade could be given, and not because of the submission.

Every error a user can fix is one ``Error: ...`` line naming the cause and the
fix; ``course --debug ...`` shows the traceback and the logs behind it.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import click
import nbformat
from tqdm import tqdm

from autograder.config import PROFILES, detect_profile
from autograder.errors import ConfigError, CourseError
from autograder.grading import (
    RUNNER_PYTHON_ENV,
    choose_isolation,
    grade_notebook,
    require_device,
)
from autograder.judge.preflight import preflight
from autograder.judge.sandbox import WEAK_NOTE
from autograder.layout import CourseLayout, find_course_root
from autograder.nbgrader_ext.annotate import feedback_lines

__all__ = ["main"]

EXIT_UNREADABLE = 3
#: Variants graded in parallel by `course validate`: one per core, at most 4 (memory).
_DEFAULT_JOBS = max(1, min(4, os.cpu_count() or 1))

_PROFILE = click.option("--profile", type=click.Choice(PROFILES), default=None,
                        help="Runner profile (default: COURSE_PROFILE, then detected hardware).")
_WEAK = click.option("--allow-weak-isolation", "allow_weak", is_flag=True,
                     help="If bubblewrap is unavailable, grade in a plain process with rlimits "
                          "(weaker: student code can read your files). Stated in every report.")


class UnreadableNotebook(click.ClickException):
    """The notebook file is missing or not a valid notebook (exit code 3)."""

    exit_code = EXIT_UNREADABLE


class _CourseFailure(click.ClickException):
    """A :class:`CourseError` as click prints it: one line, the error's own exit code."""

    def __init__(self, error: CourseError) -> None:
        text = error.one_line()
        if error.log:
            text += " (run `course --debug ...` to see the log behind this error)"
        super().__init__(text)
        self.exit_code = error.exit_code  # type: ignore[misc]  # click reads it per instance


class _CourseGroup(click.Group):
    """Turns every :class:`CourseError` into one ``Error:`` line (or a traceback with --debug)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CourseError as error:
            if ctx.params.get("debug"):
                if error.log:
                    click.echo(error.log, err=True)
                raise
            raise _CourseFailure(error) from error


def _layout() -> CourseLayout:
    try:
        return CourseLayout(find_course_root())
    except FileNotFoundError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group(cls=_CourseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks and logs behind an error.")
def main(debug: bool) -> None:
    """Course autograder: student code runs only in a sandboxed runner; a separate judge grades."""


@main.command()
@click.argument("assignment")
@click.argument("notebook", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--seed", type=int, default=None, help="Seed for probe inputs (reproduce a run).")
@_PROFILE
@_WEAK
def grade(assignment: str, notebook: Path, as_json: bool, seed: int | None,
          profile: str | None, allow_weak: bool) -> None:
    """Grade one NOTEBOOK for ASSIGNMENT, with no course directory or gradebook."""
    layout = _layout()
    try:
        layout.course().assignment(assignment)
    except ConfigError as exc:
        raise click.UsageError(exc.one_line()) from exc
    try:
        nb = nbformat.read(notebook, as_version=4)
    except FileNotFoundError as exc:
        raise UnreadableNotebook(f"cannot read notebook {notebook}: file not found") from exc
    except Exception as exc:  # nbformat raises several types for a malformed file
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        raise UnreadableNotebook(f"cannot read notebook {notebook}: {reason}") from exc
    report = grade_notebook(nb, assignment, layout, profile, seed, allow_weak)
    if as_json:
        click.echo(json.dumps(report.public_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{assignment}: {report.score:g}/{report.max_score:g} "
               f"(profile {report.profile}, isolation {report.isolation}, seed {report.seed}, "
               f"{report.elapsed_s:.1f} s)")
    click.echo(f"  bounds: {report.tree_bounds}")
    for note in report.notes:
        if note == WEAK_NOTE:
            click.echo(f"  ! {note}")
    for line in feedback_lines(report.checks):
        click.echo(f"  {line}")


@main.command()
@click.argument("assignments", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--jobs", type=click.IntRange(min=1), default=_DEFAULT_JOBS, show_default=True,
              help="Notebooks graded at a time, across all assignments (each grading is a "
                   "judge plus a runner).")
@_PROFILE
@_WEAK
def validate(assignments: tuple[str, ...], as_json: bool, profile: str | None,
             allow_weak: bool, jobs: int) -> None:
    """Prove the course is releasable (all assignments when none is named)."""
    from autograder.validate import summarize, validate_assignment

    layout = _layout()
    try:
        course = layout.course()
        chosen = [course.assignment(a) for a in assignments] or list(course.assignments)
    except ConfigError as exc:
        raise click.UsageError(exc.one_line()) from exc
    _preflight(profile, allow_weak)
    # Every grading of every assignment shares one pool of `jobs` workers, so no core idles
    # while one assignment waits for its last grading; one coordinator thread per assignment.
    bar = tqdm(total=len(chosen), desc="validate", unit="assignment", file=sys.stderr,
               disable=as_json)
    with ThreadPoolExecutor(max_workers=jobs) as graders, \
            ThreadPoolExecutor(max_workers=len(chosen)) as coordinators:
        running = [coordinators.submit(validate_assignment, layout, assignment, profile,
                                       allow_weak, jobs=jobs, graders=graders)
                   for assignment in chosen]
        results = []
        for assignment, future in zip(chosen, running, strict=True):
            results.append(_first_result(future, graders))
            bar.set_postfix_str(f"{assignment.id} done")
            bar.update(1)
    bar.close()
    if as_json:
        click.echo(json.dumps([r.as_json() for r in results], ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(summarize(results)))
    if not all(r.ok for r in results):
        sys.exit(1)


@main.command()
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Build the demo course here instead of a fresh temporary folder.")
@_PROFILE
@_WEAK
def demo(keep: Path | None, profile: str | None, allow_weak: bool) -> None:
    """Release, submit three sample students, autograde with nbgrader, print the scores."""
    from autograder.demo import DEMO_STEPS, STUDENTS, run_demo

    layout = _layout()
    course = layout.course()
    _preflight(profile, allow_weak)
    root = keep or Path(tempfile.mkdtemp(prefix="course-demo-"))
    root.mkdir(parents=True, exist_ok=True)
    click.echo(f"Demo course: {root}")
    for student, what in STUDENTS.items():
        click.echo(f"  {student}: {what}")
    ids = [a.id for a in course.assignments]
    with tqdm(total=len(ids) * DEMO_STEPS + 1, desc="demo", unit="step", file=sys.stderr) as bar:

        def step(description: str) -> None:
            bar.set_postfix_str(description)
            bar.update()

        result = run_demo(layout, root, ids, profile, allow_weak, progress=step)
    click.echo("")
    click.echo(f"{'student':<20} {'assignment':<14} {'score':>7} {'max':>5}")
    for row in result.rows:
        click.echo(f"{row['student_id']:<20} {row['assignment']:<14} "
                   f"{float(row['score']):>7g} {float(row['max_score']):>5g}")
    click.echo("")
    click.echo(f"grades.csv: {result.grades_csv}")
    for key, path in result.feedback.items():
        click.echo(f"feedback {key}: {path}")
    result.verify()


def _preflight(profile: str | None, allow_weak: bool) -> None:
    """Stop a command that grades many notebooks before its first one when this machine
    cannot grade at all (see :mod:`autograder.judge.preflight`)."""
    profile_name = detect_profile(profile)
    require_device(profile_name)
    preflight(choose_isolation(allow_weak), gpu=profile_name == "gpu",
              python=os.environ.get(RUNNER_PYTHON_ENV) or None)


def _first_result(future: Future[Any], pool: ThreadPoolExecutor) -> Any:
    """The future's result; on an error, drop the gradings still queued before raising it."""
    try:
        return future.result()
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
