"""Files beside a submitted notebook that must never travel back to the student.

TRUSTED SIDE. ``nbgrader autograde`` copies every file of
``submitted/<student>/<assignment>/`` into ``autograded/`` with
``shutil.copy``, which follows symbolic links: a link the student placed there
to the hidden tests, the reference solution, another student's work or a
system file is copied as its *target*, and ``generate_feedback`` and the
exchange then hand that copy back to the student. The same holds for a hard
link to a file outside the folder. :func:`unsafe_entries` names such entries
in the submitted folder (read without following links), and
:func:`remove_copies` deletes what nbgrader made of them in the autograded
folder, before anything else reads it.

A submission whose *notebook* is such an entry is refused outright: nbgrader
has already read the link's target as the student's notebook (it could be the
instructor's source notebook, with its solutions).

A FIFO never reaches this step: nbgrader's ``shutil.copy`` raises
``SpecialFileError`` on it first. It is still named here, for a caller that
checks a folder before nbgrader does.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path

__all__ = ["UnsafeEntry", "remove_copies", "unsafe_entries"]


@dataclass(frozen=True)
class UnsafeEntry:
    """One entry of a submitted folder that may not be copied: where, and why."""

    relative: Path
    reason: str


def unsafe_entries(folder: Path, max_bytes: int) -> list[UnsafeEntry]:
    """Links, special files, hard links and oversized files under ``folder``.

    Args:
        folder: the submitted folder (``submitted/<student>/<assignment>``).
        max_bytes: the largest regular file a submission may carry.
    """
    found: list[UnsafeEntry] = []
    for dirname, dirnames, filenames in os.walk(folder, followlinks=False):
        here = Path(dirname)
        for name in [*dirnames, *filenames]:
            path = here / name
            reason = _why_unsafe(path, max_bytes)
            if reason is not None:
                found.append(UnsafeEntry(path.relative_to(folder), reason))
        dirnames[:] = [d for d in dirnames if not (here / d).is_symlink()]
    return sorted(found, key=lambda entry: str(entry.relative))


def _why_unsafe(path: Path, max_bytes: int) -> str | None:
    info = path.lstat()
    if stat.S_ISLNK(info.st_mode):
        return f"symbolic link to {os.readlink(path)!r}"
    if stat.S_ISDIR(info.st_mode):
        return None
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file (device, FIFO or socket)"
    if info.st_nlink > 1:
        return f"hard link ({info.st_nlink} names for one file)"
    if info.st_size > max_bytes:
        return f"{info.st_size} bytes, over the {max_bytes}-byte limit"
    return None


def remove_copies(entries: list[UnsafeEntry], autograded: Path) -> list[Path]:
    """Delete nbgrader's copies of ``entries`` in ``autograded``; the paths removed."""
    removed = []
    root = autograded.resolve()
    for entry in entries:
        copy = autograded / entry.relative
        if not copy.resolve().is_relative_to(root) and not copy.is_symlink():
            continue  # never delete outside the autograded folder
        if copy.is_symlink() or copy.is_file():
            copy.unlink()
        elif copy.is_dir():
            shutil.rmtree(copy)
        else:
            continue
        removed.append(copy)
    return removed
