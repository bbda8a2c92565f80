"""Shared fixtures for the course infrastructure tests.

Grading starts the judge and runner as real processes, so fixtures that grade
are session-scoped and reused; each grading run costs TensorFlow start-up.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autograder.layout import CourseLayout

REPO = Path(__file__).resolve().parents[1]
MIRROR = REPO.parent / "shared" / "datasets"

# Grading loads Fashion-MNIST in the judge: use the offline mirror beside the
# checkout when nothing else is configured (the Makefile does the same).
if "COURSE_DATA_DIR" not in os.environ and MIRROR.is_dir():
    os.environ["COURSE_DATA_DIR"] = str(MIRROR)


@pytest.fixture(scope="session")
def layout() -> CourseLayout:
    return CourseLayout(REPO)
