"""``course validate``: prove that an assignment is releasable.

For each assignment: the four folders agree on its id; the source notebook,
graded as a submission, earns full marks; the release produced by the real
``nbgrader generate_assignment`` earns zero on every hidden check; the release
holds no solution or hidden-test code; the points in the notebook, the checks
and ``course_config.py`` agree; the reference module matches the notebook's
solution cells; and the graders discriminate: every
known-buggy variant in ``tests/variants/<id>/`` loses points on exactly the
checks it declares, and every correct variant earns full marks.

A variant is the reference solution with some sections replaced (see
:mod:`autograder.solutions`), declared by header comments::

    '''Forgets to rescale the kept elements by 1 / (1 - p).'''
    # variant: buggy
    # loses: test_survivors_are_scaled, test_gradient_is_mask_over_keep

    # %% [dropout_layer]
    def dropout_layer(X, dropout):
        ...

A ``correct`` variant (another valid formulation) declares no ``loses`` line.
"""

from __future__ import annotations

import ast
import re
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from autograder.config import Assignment
from autograder.course_dir import TempCourse
from autograder.grading import grade_notebook
from autograder.layout import CourseLayout
from autograder.report import GradeReport
from autograder.solutions import (
    fill_solutions,
    read_sections,
    solution_cells,
    strip_solution_markers,
)
from autograder.verdicts import Status

__all__ = ["AssignmentValidation", "Variant", "find_leaks", "read_variants",
           "validate_assignment"]

_VARIANT_KIND = re.compile(r"^# variant: *(?P<kind>\S+) *$", re.MULTILINE)
_VARIANT_LOSES = re.compile(r"^# loses: *(?P<checks>.*)$", re.MULTILINE)
_HIDDEN_REF = re.compile(r"^# course-checks: (?P<cell>\S+)$")
_REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)(.*?)### END \1", re.DOTALL)
#: Solution lines shorter than this (``return X``) are too common to count as a leak.
_MIN_LEAK_CHARS = 16


@dataclass
class AssignmentValidation:
    """Outcome of validating one assignment: passed steps, violations, variant counts."""

    assignment: str
    passed: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)
    buggy_caught: int = 0
    buggy_total: int = 0
    correct_full: int = 0
    correct_total: int = 0

    @property
    def ok(self) -> bool:
        return not self.violations

    def as_json(self) -> dict[str, object]:
        return {"assignment": self.assignment, "ok": self.ok, "passed": self.passed,
                "violations": self.violations,
                "variants": {"buggy_caught": self.buggy_caught, "buggy": self.buggy_total,
                             "correct_full_marks": self.correct_full,
                             "correct": self.correct_total}}


@dataclass(frozen=True)
class Variant:
    """A known variant of the reference solution.

    Attributes:
        name: file stem in ``tests/variants/<id>/``.
        kind: ``"buggy"`` (must lose exactly ``loses``) or ``"correct"`` (full marks).
        loses: ids of the checks a buggy variant must fail, and no others.
        sections: the solution sections it replaces.
        description: first line of its docstring, for reports.
    """

    name: str
    kind: str
    loses: frozenset[str]
    sections: dict[str, str]
    description: str


def read_variants(folder: Path) -> list[Variant]:
    """Read every ``*.py`` variant in ``folder`` (none if the folder does not exist).

    Raises:
        ValueError: naming the file, when a header is missing or inconsistent.
    """
    variants = []
    for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
        text = path.read_text()
        kind = _VARIANT_KIND.search(text)
        if kind is None or kind.group("kind") not in ("buggy", "correct"):
            raise ValueError(f"{path}: add a header line '# variant: buggy' or "
                             "'# variant: correct'")
        loses_line = _VARIANT_LOSES.search(text)
        loses = frozenset(c.strip() for c in loses_line.group("checks").split(",")
                          if c.strip()) if loses_line else frozenset()
        if (kind.group("kind") == "buggy") != bool(loses):
            raise ValueError(f"{path}: a buggy variant names the checks it must fail in "
                             "'# loses: test_a, test_b'; a correct variant names none")
        doc = (ast.get_docstring(ast.parse(text)) or "").strip().splitlines()
        variants.append(Variant(path.stem, kind.group("kind"), loses, read_sections(path),
                                doc[0] if doc else path.stem))
    return variants


def validate_assignment(
    layout: CourseLayout,
    assignment: Assignment,
    profile: str | None = None,
    allow_weak_isolation: bool = False,
    progress: Callable[[str], None] = lambda _: None,
    jobs: int = 1,
    graders: Executor | None = None,
) -> AssignmentValidation:
    """Run every release check for one assignment.

    Grades the source notebook, the untouched release and every known variant.
    Each grading is its own judge and runner processes; they run on
    ``graders`` (an executor shared across assignments keeps every core busy
    until the last grading ends) or, without one, ``jobs`` at a time. The
    release is generated while the source notebook is being graded.
    """
    if graders is None:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as own:
            return validate_assignment(layout, assignment, profile, allow_weak_isolation,
                                       progress, jobs, own)
    result = AssignmentValidation(assignment.id)
    missing = _missing_parts(layout, assignment.id)
    if missing:
        result.violations.extend(missing)
        return result

    def grade(notebook: NotebookNode) -> Future[GradeReport]:
        return graders.submit(grade_notebook, notebook, assignment.id, layout, profile,
                              allow_weak_isolation=allow_weak_isolation)

    source = nbformat.read(layout.source_notebook(assignment.id), as_version=4)
    result.violations.extend(_metadata_problems(source))
    result.violations.extend(_section_mismatches(layout, assignment.id, source))
    progress("grading the source notebook, generating the release with nbgrader")
    source_grading = grade(source)
    with tempfile.TemporaryDirectory(prefix="course-validate-") as tmp:
        course = TempCourse(layout, Path(tmp), profile, allow_weak_isolation)
        release = course.release(assignment.id)
        leaks = find_leaks(source, release, course.root / "release" / assignment.id)
    release_grading = grade(release)
    variants, variant_gradings = _grade_variants(result, layout, assignment, release, grade)
    progress(f"grading the release and {len(variant_gradings)} variants")

    full = source_grading.result()
    _expect(result, full.score == full.max_score > 0,
            f"source notebook earns full marks ({full.score:g}/{full.max_score:g})",
            _failures("source notebook lost points", full))
    raised = [cell.index for cell in full.cells if cell.raised or cell.status != "ok"]
    _expect(result, not raised, "every graded cell of the source notebook runs without error",
            f"source notebook cells {raised} raised: public checks must pass on the reference")
    _expect(result, full.max_score == assignment.points,
            f"checks total {full.max_score:g} points as course_config.py says",
            f"checks total {full.max_score:g} points, course_config.py says {assignment.points:g}")
    result.violations.extend(_points_mismatches(source, full))
    _expect(result, not leaks, "release contains no solution or hidden-test code",
            "release leaks: " + "; ".join(leaks[:10]))
    empty = release_grading.result()
    _expect(result, empty.score == 0,
            f"untouched release earns 0/{empty.max_score:g}",
            f"untouched release earned {empty.score:g} points")
    for variant in variants:
        if variant.name in variant_gradings:
            _judge_variant(result, variant, variant_gradings[variant.name].result())
    return result


def _grade_variants(result: AssignmentValidation, layout: CourseLayout, assignment: Assignment,
                    release: NotebookNode,
                    grade: Callable[[NotebookNode], Future[GradeReport]],
                    ) -> tuple[list[Variant], dict[str, Future[GradeReport]]]:
    """Start grading each known variant (the release with its sections replaced)."""
    try:
        variants = read_variants(layout.variants_dir(assignment.id))
    except ValueError as exc:
        result.violations.append(str(exc))
        return [], {}
    reference = read_sections(layout.solution_module(assignment.id))
    gradings = {}
    for variant in variants:
        try:
            notebook = fill_solutions(release, {**reference, **variant.sections})
        except KeyError as exc:
            result.violations.append(f"variant {variant.name}: {exc}")
            continue
        gradings[variant.name] = grade(notebook)
    return variants, gradings


def _judge_variant(result: AssignmentValidation, variant: Variant, report: GradeReport) -> None:
    lost = {c.id for c in report.checks if c.status is not Status.PASSED}
    if variant.kind == "correct":
        result.correct_total += 1
        full = not lost and report.score == report.max_score
        result.correct_full += full
        _expect(result, full, f"correct variant {variant.name} earns full marks",
                _failures(f"correct variant {variant.name} lost points", report))
        return
    result.buggy_total += 1
    unknown = variant.loses - {c.id for c in report.checks}
    caught = lost == variant.loses and not unknown
    result.buggy_caught += caught
    missed = sorted(variant.loses - lost)
    extra = sorted(lost - variant.loses)
    _expect(result, caught,
            f"buggy variant {variant.name} loses exactly {', '.join(sorted(variant.loses))}",
            f"buggy variant {variant.name} ({variant.description}): "
            + "; ".join(part for part in (
                f"no such checks {sorted(unknown)}" if unknown else "",
                f"passed checks it should fail {missed}" if missed else "",
                f"failed checks it should pass {extra}" if extra else "") if part)
            + ". " + _failures("lost", report))


def find_leaks(source: NotebookNode, release: NotebookNode, release_dir: Path) -> list[str]:
    """Solution or hidden-test text from ``source`` that appears in the release."""
    leaks = []
    secret_lines: set[str] = set()
    for cell in source.cells:
        for match in _REGION.finditer(cell.source):
            secret_lines.update(line.strip() for line in match.group(2).splitlines()
                                if len(line.strip()) >= _MIN_LEAK_CHARS)
    for index, cell in enumerate(release.cells):
        for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "course-checks:"):
            if marker in cell.source:
                leaks.append(f"cell {index} contains '{marker}'")
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            if line.strip() in secret_lines:
                leaks.append(f"cell {index} holds solution/hidden line {line.strip()!r}")
    for path in release_dir.rglob("*"):
        if path.suffix == ".py" or path.name.startswith("test_"):
            leaks.append(f"release folder holds {path.name}")
    return leaks


def _missing_parts(layout: CourseLayout, assignment_id: str) -> list[str]:
    parts = {
        "source notebook": layout.source_notebook(assignment_id),
        "reference module": layout.solution_module(assignment_id),
        "graders folder": layout.grader_dir(assignment_id),
    }
    return [f"missing {what}: {path}" for what, path in parts.items() if not path.exists()]


def _metadata_problems(source: NotebookNode) -> list[str]:
    problems = []
    for cell in source.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not (meta.get("grade") and not meta.get("solution")):
            continue
        grade_id = meta.get("grade_id")
        hidden = re.search(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS",
                           cell.source, re.DOTALL)
        lines = [line.strip() for line in hidden.group(1).splitlines()] if hidden else []
        match = _HIDDEN_REF.match(lines[0]) if len(lines) == 1 else None
        if match is None or match.group("cell") != grade_id:
            problems.append(f"test cell {grade_id}: hidden region must hold only "
                            f"'# course-checks: {grade_id}'")
    return problems


def _points_mismatches(source: NotebookNode, report: GradeReport) -> list[str]:
    by_cell = report.cell_scores()
    problems = []
    for cell in source.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            stake = by_cell.pop(str(meta["grade_id"]), (0.0, 0.0))[1]
            if stake != float(meta.get("points", 0)):
                problems.append(f"cell {meta['grade_id']}: notebook gives {meta.get('points')} "
                                f"points, its checks total {stake:g}")
    problems.extend(f"checks name cell {cell!r}, which is not a graded test cell"
                    for cell in by_cell)
    return problems


def _section_mismatches(layout: CourseLayout, assignment_id: str,
                        source: NotebookNode) -> list[str]:
    sections = read_sections(layout.solution_module(assignment_id))
    cells = solution_cells(source)
    problems = [f"solution cell {name} has no section in solutions/{assignment_id}.py"
                for name in cells if name not in sections]
    problems += [f"section [{name}] matches no solution cell" for name in sections
                 if name not in cells]
    problems += [f"section [{name}] differs from the notebook's solution cell"
                 for name in sections if name in cells
                 and sections[name].strip() != strip_solution_markers(cells[name].source).strip()]
    return problems


def _failures(prefix: str, report: GradeReport) -> str:
    lost = [f"{c.id} [{c.status}] {c.message}" for c in report.checks
            if c.status is not Status.PASSED]
    return f"{prefix}: " + ("; ".join(lost) if lost else "no checks ran")


def _expect(result: AssignmentValidation, ok: bool, passed: str, violation: str) -> None:
    (result.passed if ok else result.violations).append(passed if ok else violation)


def summarize(results: Iterable[AssignmentValidation]) -> list[str]:
    """Human-readable lines, one per step, for the CLI."""
    lines = []
    for result in results:
        lines.append(f"{result.assignment}: {'OK' if result.ok else 'FAILED'} "
                     f"(buggy variants caught {result.buggy_caught}/{result.buggy_total}, "
                     f"correct variants with full marks "
                     f"{result.correct_full}/{result.correct_total})")
        lines += [f"  ✔ {line}" for line in result.passed]
        lines += [f"  ✘ {line}" for line in result.violations]
    return lines
