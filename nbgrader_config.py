"""nbgrader configuration for running nbgrader from the repository root.

`nbgrader generate_assignment / autograde / generate_feedback / export` work
from here, with `assignments/` as nbgrader's source directory. Autograding
replaces nbgrader's in-kernel Execute step with `SandboxedGrade`: student code
runs only in the sandboxed runner and the hidden checks run in a separate judge
process (see README, "How grading works").
"""

import os

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    ClearOutput,
    GetGrades,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)

from autograder.nbgrader_ext.preprocessors import (
    DropUnsafeSubmissionFiles,
    NormalizeSubmissionMetadata,
    SandboxedGrade,
)

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file

_here = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.root = _here
c.CourseDirectory.source_directory = "assignments"
c.CourseDirectory.course_id = "d2l-keras-vi"

# Stock sanitize steps, with DeduplicateIds replaced: it turns a duplicated
# graded cell into metadata that aborts nbgrader's whole batch.
c.Autograde.sanitize_preprocessors = [
    DropUnsafeSubmissionFiles,
    ClearOutput,
    NormalizeSubmissionMetadata,
    OverwriteKernelspec,
    OverwriteCells,
    CheckCellMetadata,
]

# Stock nbgrader: Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
# SaveAutoGrades, AssignLatePenalties, CheckCellMetadata. Execute (student code
# and hidden tests in one kernel, as the instructor) is replaced; IgnorePattern
# is not needed because SandboxedGrade already keeps stderr out of graded cells.
c.Autograde.autograde_preprocessors = [
    SandboxedGrade,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
c.SandboxedGrade.course_root = _here

# Feedback shows each check's Vietnamese message (written into the cell by
# SandboxedGrade), never the hidden-test region of a test cell.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
