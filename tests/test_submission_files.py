"""What may not travel from a submitted folder back to the student (no nbgrader run here;
tests/test_nbgrader_sandbox.py plants the same entries in a real autograde batch)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

from autograder.nbgrader_ext.preprocessors import DropUnsafeSubmissionFiles, UnsafeSubmission
from autograder.nbgrader_ext.submission_files import remove_copies, unsafe_entries


def _submitted(tmp_path: Path) -> tuple[Path, Path]:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.py").write_text("SECRET\n")
    folder = tmp_path / "submitted"
    (folder / "data").mkdir(parents=True)
    (folder / "answer.ipynb").write_text("{}")
    (folder / "data" / "notes.txt").write_text("ok\n")
    (folder / "link.py").symlink_to(outside / "secret.py")
    (folder / "data" / "dir_link").symlink_to(outside)
    os.link(outside / "secret.py", folder / "hard.py")
    os.mkfifo(folder / "pipe")
    (folder / "big.bin").write_bytes(b"x" * 2048)
    return folder, outside


def test_links_special_files_and_oversized_files_are_named_with_a_reason(tmp_path):
    folder, _ = _submitted(tmp_path)
    found = {str(entry.relative): entry.reason for entry in unsafe_entries(folder, 1024)}
    assert set(found) == {"link.py", "data/dir_link", "hard.py", "pipe", "big.bin"}
    assert "symbolic link" in found["link.py"]
    assert "symbolic link" in found["data/dir_link"]
    assert "hard link" in found["hard.py"]
    assert "not a regular file" in found["pipe"]
    assert "over the 1024-byte limit" in found["big.bin"]


def test_copies_are_removed_from_the_autograded_folder_and_nothing_outside(tmp_path):
    """What nbgrader made of each entry (the link's target, copied) is deleted; ordinary
    files stay, and the files the links pointed to are untouched."""
    folder, outside = _submitted(tmp_path)
    autograded = tmp_path / "autograded"
    (autograded / "data" / "dir_link").mkdir(parents=True)
    for name in ("answer.ipynb", "link.py", "hard.py", "big.bin"):
        shutil.copy(folder / name, autograded / name)  # follows links, as nbgrader does
    (autograded / "data" / "notes.txt").write_text("ok\n")
    removed = remove_copies(unsafe_entries(folder, 1024), autograded)
    left = sorted(str(p.relative_to(autograded)) for p in autograded.rglob("*"))
    assert left == ["answer.ipynb", "data", "data/notes.txt"]
    assert len(removed) == 4
    assert (outside / "secret.py").read_text() == "SECRET\n"


def _step(root: Path) -> DropUnsafeSubmissionFiles:
    config = Config()
    config.CourseDirectory.root = str(root)
    config.DropUnsafeSubmissionFiles.max_file_mb = 1
    return DropUnsafeSubmissionFiles(config=config)


def _resources(student: str) -> dict:
    return {"nbgrader": {"student": student, "assignment": "a1", "notebook": "a1"}}


def test_the_autograde_step_cleans_the_autograded_copy_and_logs_each_reason(tmp_path, caplog):
    submitted = tmp_path / "submitted" / "s1" / "a1"
    autograded = tmp_path / "autograded" / "s1" / "a1"
    for folder in (submitted, autograded):
        folder.mkdir(parents=True)
        (folder / "a1.ipynb").write_text("{}")
    (tmp_path / "secret.txt").write_text("SECRET\n")
    (submitted / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (autograded / "leak.txt").write_text("SECRET\n")  # what nbgrader's copy made of it
    step = _step(tmp_path)
    with caplog.at_level("WARNING"):
        step.preprocess(nbformat.v4.new_notebook(), _resources("s1"))
    assert not (autograded / "leak.txt").exists()
    assert (autograded / "a1.ipynb").exists()
    assert "leak.txt of student s1, a1: symbolic link" in caplog.text


def test_a_notebook_that_is_a_link_is_refused_with_its_reason(tmp_path):
    submitted = tmp_path / "submitted" / "s2" / "a1"
    submitted.mkdir(parents=True)
    (tmp_path / "source.ipynb").write_text("{}")
    (submitted / "a1.ipynb").symlink_to(tmp_path / "source.ipynb")
    with pytest.raises(UnsafeSubmission, match="the submitted notebook a1.ipynb is a "
                                               "symbolic link"):
        _step(tmp_path).preprocess(nbformat.v4.new_notebook(), _resources("s2"))
