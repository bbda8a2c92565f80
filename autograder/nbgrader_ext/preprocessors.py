"""nbgrader autograde step that grades with the sandboxed runner and the judge.

It replaces nbgrader's in-kernel ``Execute`` step in
``c.Autograde.autograde_preprocessors`` (see ``nbgrader_config.py``): the
submission is executed by the runner, the hidden checks run in the judge, and
the verdicts are written into the graded cells so that nbgrader's own
``SaveAutoGrades`` step records them. No student code runs in nbgrader's process.

A grading fault (see :mod:`autograder.errors`) is never written as a grade:
the step logs the cause and its fix, marks the submission's grades in the
gradebook as ungraded (as nbgrader creates them: no score, needs grading) and
raises, so nbgrader lists the submission among its failures, removes its
autograded copy and goes on with the rest of the batch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Int, Unicode

import autograder
from autograder.errors import GradingFault
from autograder.grading import grade_notebook
from autograder.layout import CourseLayout, find_course_root
from autograder.nbgrader_ext.annotate import annotate_notebook
from autograder.nbgrader_ext.submission_files import remove_copies, unsafe_entries

__all__ = ["FAULT_MARK", "METADATA_KEY", "DropUnsafeSubmissionFiles", "UnsafeSubmission",
           "NormalizeSubmissionMetadata", "SandboxedGrade"]

_SCHEMA_VERSION = 3
#: Notebook metadata key under which the autograded notebook records how it was graded.
METADATA_KEY = "course_grading"
#: Start of the log line that names a grading fault (``course demo`` quotes these lines).
FAULT_MARK = "GRADING FAULT"


class UnsafeSubmission(Exception):
    """The submitted notebook itself is a link or a special file: it is not graded."""


class DropUnsafeSubmissionFiles(NbGraderPreprocessor):  # type: ignore[misc]
    """First sanitize step: nothing a submitted folder links to reaches the student again.

    nbgrader has already copied the submitted folder into ``autograded/``,
    following links (see :mod:`autograder.nbgrader_ext.submission_files`). This
    step deletes those copies of links, hard links, special and oversized files,
    logging each with its reason, so that neither grading nor
    ``generate_feedback`` nor the exchange sees them; a notebook that is itself
    such an entry is refused (nbgrader lists it among its failures).
    """

    max_file_mb = Int(
        32, help="Largest file a submitted folder may carry beside the notebook (MiB)."
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[Any, Any]:
        info = resources["nbgrader"]
        student, assignment = info["student"], info["assignment"]
        coursedir = CourseDirectory(config=self.config)
        submitted = Path(coursedir.format_path(coursedir.submitted_directory, student,
                                               assignment))
        autograded = Path(coursedir.format_path(coursedir.autograded_directory, student,
                                                assignment))
        entries = unsafe_entries(submitted, self.max_file_mb * 1024 * 1024)
        for entry in entries:
            self.log.warning("Not copying %s of student %s, %s: %s", entry.relative, student,
                             assignment, entry.reason)
        remove_copies(entries, autograded)
        notebook = f"{info['notebook']}.ipynb"
        refused = [entry for entry in entries if str(entry.relative) == notebook]
        if refused:
            raise UnsafeSubmission(
                f"student {student}, {assignment}: the submitted notebook {notebook} is a "
                f"{refused[0].reason}; it is not graded. Ask the student to submit the "
                "notebook file itself")
        return nb, resources


class NormalizeSubmissionMetadata(NbGraderPreprocessor):  # type: ignore[misc]
    """Sanitize step that replaces nbgrader's ``DeduplicateIds``.

    A student controls every byte of the submitted metadata. Stock
    ``DeduplicateIds`` empties the nbgrader metadata of a duplicated graded cell
    to ``{}``, which ``CheckCellMetadata`` then reads as schema version 0 and
    nbgrader aborts the *whole batch* ("old version of the nbgrader metadata
    format"); a forged ``schema_version`` does the same. Here such cells simply
    stop being nbgrader cells: duplicates (all but the last, as nbgrader keeps)
    and cells with a schema version other than the current one lose their
    nbgrader metadata. ``OverwriteCells`` then restores the real ones from the
    gradebook; a graded cell the student destroyed scores zero.
    """

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[Any, Any]:
        seen: set[str] = set()
        for cell in reversed(nb.cells):
            meta = cell.get("metadata", {}).get("nbgrader")
            if meta is None:
                continue
            grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
            if (not isinstance(meta, dict) or meta.get("schema_version") != _SCHEMA_VERSION
                    or not isinstance(grade_id, str) or grade_id in seen):
                self.log.warning("Dropping tampered or duplicated nbgrader metadata: %r",
                                 grade_id)
                del cell.metadata["nbgrader"]
                continue
            seen.add(grade_id)
        return nb, resources


class SandboxedGrade(NbGraderPreprocessor):  # type: ignore[misc]
    """Execute the submission in the runner and score its graded cells with the judge."""

    course_root = Unicode(
        "",
        help="Course repository holding course_config.py and graders/. "
             "Empty: COURSE_ROOT, then the nearest parent of the working directory.",
    ).tag(config=True)

    profile = Unicode(
        "",
        help="Runner profile, 'cpu' or 'gpu'. Empty: COURSE_PROFILE, then detected hardware.",
    ).tag(config=True)

    allow_weak_isolation = Bool(
        False,
        help="If bubblewrap is unavailable, grade in a plain process with rlimits instead of "
             "refusing. Weaker: student code can read what the grading user can read.",
    ).tag(config=True)

    runner_python = Unicode(
        "",
        help="Interpreter that runs student code. Empty: COURSE_RUNNER_PYTHON, then the "
             "interpreter nbgrader runs in.",
    ).tag(config=True)

    source_policy = Bool(
        True,
        help="Screen submitted cells with the source policy before they run (README, "
             "'Trust model'). Off only to test the sandbox on its own: without it, pipe "
             "takeover and probe rewriting can fake grades.",
    ).tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: ResourcesDict) -> tuple[Any, Any]:
        assignment_id = resources["nbgrader"]["assignment"]
        student = resources["nbgrader"].get("student")
        root = Path(self.course_root) if self.course_root else find_course_root()
        try:
            report = grade_notebook(nb, assignment_id, CourseLayout(root), self.profile or None,
                                    allow_weak_isolation=self.allow_weak_isolation,
                                    runner_python=self.runner_python or None,
                                    source_policy=self.source_policy)
        except GradingFault as fault:
            self.log.error("%s for student %s, %s (left ungraded): %s", FAULT_MARK, student,
                           assignment_id, fault.one_line())
            if fault.log:
                self.log.error("log behind the fault for %s:\n%s", student, fault.log)
            self._mark_ungraded(resources)
            raise
        self.log.info(
            "%s: %g/%g points (%s profile, isolation: %s, seed %d) in %.1f s",
            student, report.score, report.max_score,
            report.profile, report.isolation, report.seed, report.elapsed_s,
        )
        for note in report.notes:
            self.log.warning("%s", note)
        annotate_notebook(nb, report)
        nb.metadata[METADATA_KEY] = {"seed": report.seed, "profile": report.profile,
                                     "isolation": report.isolation,
                                     "tree_bounds": report.tree_bounds,
                                     "engine": autograder.__version__}
        return nb, resources

    def _mark_ungraded(self, resources: ResourcesDict) -> None:
        """Reset this notebook's grades to nbgrader's "not graded yet" (no auto score), so
        that no score from an earlier grading stands for a notebook nbgrader now removes."""
        info = resources["nbgrader"]
        try:
            with Gradebook(info["db_url"]) as gradebook:
                notebook = gradebook.find_submission_notebook(
                    info["notebook"], info["assignment"], info["student"])
                for grade in notebook.grades:
                    grade.auto_score = None
                    grade.needs_manual_grade = True
                gradebook.db.commit()
        except (KeyError, MissingEntry) as exc:
            self.log.warning("could not mark %s ungraded in the gradebook: %s",
                             info.get("student"), exc)
