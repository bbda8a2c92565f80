"""Where a course repository keeps each part of an assignment.

The folder layout is the architecture: ``assignments/<id>/<id>.ipynb`` (nbgrader
source), ``solutions/<id>.py`` (reference), ``graders/<id>/`` (hidden checks)
and ``course_config.py`` (the course as data), all joined by the assignment id.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from autograder.config import Course, load_course

__all__ = ["CourseLayout", "find_course_root"]


@dataclass(frozen=True)
class CourseLayout:
    """Paths of one course repository.

    Example:
        >>> layout = CourseLayout(Path("."))
        >>> layout.source_notebook("03_dropout")
        PosixPath('assignments/03_dropout/03_dropout.ipynb')
    """

    root: Path

    @property
    def config_path(self) -> Path:
        return self.root / "course_config.py"

    def course(self) -> Course:
        """Load and validate ``course_config.py``."""
        return load_course(self.config_path)

    def source_notebook(self, assignment_id: str) -> Path:
        return self.root / "assignments" / assignment_id / f"{assignment_id}.ipynb"

    def solution_module(self, assignment_id: str) -> Path:
        return self.root / "solutions" / f"{assignment_id}.py"

    def grader_dir(self, assignment_id: str) -> Path:
        return self.root / "graders" / assignment_id

    def variants_dir(self, assignment_id: str) -> Path:
        """Known buggy and correct variants of the reference, graded by ``course validate``."""
        return self.root / "tests" / "variants" / assignment_id


def find_course_root(start: Path | None = None) -> Path:
    """Find the course: ``COURSE_ROOT``, else the nearest parent with ``course_config.py``.

    Falls back to the repository this package was installed from (an editable
    install), so ``course grade`` works from any directory.

    Raises:
        FileNotFoundError: naming ``COURSE_ROOT`` when no course is found.
    """
    env = os.environ.get("COURSE_ROOT")
    if env:
        root = Path(env).resolve()
        if not (root / "course_config.py").is_file():
            raise FileNotFoundError(f"COURSE_ROOT={env} has no course_config.py")
        return root
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents, Path(__file__).resolve().parents[1]):
        if (candidate / "course_config.py").is_file():
            return candidate
    raise FileNotFoundError(
        "no course_config.py found in this directory or its parents; "
        "run from the course repository or set COURSE_ROOT"
    )
