"""Shared fixtures for the course infrastructure tests.

Grading starts the judge and runner as real processes, so fixtures that grade
are session-scoped and reused; each grading run costs TensorFlow start-up.

`make test` runs the suite on two pytest-xdist workers. Tests marked ``long``
are collected first, so that no worker starts a ten-minute validation while the
other one has nothing left to do. A module-scoped fixture is built once in each
worker that runs a test of its module: `xdist_group` marks would keep a module
on one worker, but pytest-xdist 3.8's grouping has no effect under pytest 9.2
(it renames ``item._nodeid``, which pytest 9.2 no longer reads). The Makefile's
``--dist loadgroup`` is there for its scheduling: one test at a time per worker.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from autograder.layout import CourseLayout

REPO = Path(__file__).resolve().parents[1]
MIRROR = REPO.parent / "shared" / "datasets"

# Grading loads Fashion-MNIST in the judge: use the offline mirror beside the
# checkout when nothing else is configured (the Makefile does the same).
if "COURSE_DATA_DIR" not in os.environ and MIRROR.is_dir():
    os.environ["COURSE_DATA_DIR"] = str(MIRROR)


def pytest_configure(config: pytest.Config) -> None:
    """Every run starts with an empty record of the judge's trainings
    (autograder.judge.training_cache), shared by its xdist workers (they inherit the
    controller's environment) and removed at the end: a test's cost and outcome never
    depend on an earlier run or on the developer's own record. A developer who sets
    COURSE_TRAINING_CACHE keeps it."""
    if hasattr(config, "workerinput") or "COURSE_TRAINING_CACHE" in os.environ:
        return
    folder = tempfile.mkdtemp(prefix="course-training-record-")
    os.environ["COURSE_TRAINING_CACHE"] = folder
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the ``long`` tests first (a stable sort: the rest keep their order)."""
    items.sort(key=lambda item: item.get_closest_marker("long") is None)


@pytest.fixture(scope="session")
def layout() -> CourseLayout:
    return CourseLayout(REPO)
