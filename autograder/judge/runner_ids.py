"""One unprivileged uid per running runner, so submissions share no per-user state.

TRUSTED SIDE. Started by root, the bubblewrap runner drops to an unprivileged
uid (no user namespace: one would map the sandbox to host root). If every
runner were the same uid (``nobody``), concurrently graded submissions would
share what the kernel keeps per uid: the process count that ``RLIMIT_NPROC``
limits (one submission's threads could starve another's), the user and
session keyrings (a place to leave an answer for the next submission), and
the right to signal each other's processes. So each runner leases its own uid
from a range no account uses (:data:`UID_RANGE_ENV`, default
:data:`DEFAULT_FIRST_UID` onwards, :data:`DEFAULT_COUNT` of them), held with
an exclusive ``flock`` on a root-only lease file while the runner lives, and
handed out round robin so a uid is reused as late as possible.

The kernel keeps a uid's keyrings after its processes end, so when the range
comes round to a uid again, the next runner empties them before any student
code runs (``autograder/runner/keyrings.py``, asked for by the judge's
``hello`` only for a leased uid); the source policy also keeps cells from the
system calls that reach keyrings.
"""

from __future__ import annotations

import fcntl
import os
import pwd
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from autograder.errors import IsolationUnavailable

__all__ = ["DEFAULT_COUNT", "DEFAULT_FIRST_UID", "UID_RANGE_ENV", "UidLease", "lease_uid",
           "uid_range"]

#: ``FIRST-LAST`` (inclusive): the uids runners may use; no account may own one of them.
UID_RANGE_ENV = "COURSE_RUNNER_UIDS"
DEFAULT_FIRST_UID = 3_000_000_000
DEFAULT_COUNT = 256


@dataclass
class UidLease:
    """A uid held for one runner until :meth:`release` (or the judge's exit)."""

    uid: int
    handle: IO[str] | None

    def release(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


def uid_range(environ: dict[str, str] | None = None) -> range:
    """The configured runner uids.

    Raises:
        IsolationUnavailable: the setting is malformed, or names a uid an account owns.
    """
    text = (os.environ if environ is None else environ).get(UID_RANGE_ENV, "")
    if not text:
        uids = range(DEFAULT_FIRST_UID, DEFAULT_FIRST_UID + DEFAULT_COUNT)
    else:
        try:
            first, last = (int(part) for part in text.split("-"))
        except ValueError:
            raise IsolationUnavailable(
                f"{UID_RANGE_ENV}={text!r} is not a range",
                hint=f"write it as FIRST-LAST, e.g. {UID_RANGE_ENV}=3000000000-3000000255"
            ) from None
        if not 1000 <= first <= last < 2**32 - 1:
            raise IsolationUnavailable(
                f"{UID_RANGE_ENV}={text!r} is outside 1000..4294967294 or reversed",
                hint="choose unprivileged uids that no account uses")
        uids = range(first, last + 1)
    owned = sorted((entry.pw_uid, entry.pw_name) for entry in pwd.getpwall()
                   if entry.pw_uid in uids)
    if owned:
        uid, owner = owned[0]
        raise IsolationUnavailable(
            f"runner uid {uid} belongs to the account {owner!r}",
            hint=f"set {UID_RANGE_ENV} to a range no account uses")
    return uids


def _lease_dir() -> Path:
    base = Path("/run") if os.access("/run", os.W_OK) else Path(tempfile.gettempdir())
    folder = base / "course-runner-uids"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def lease_uid(uids: range | None = None, folder: Path | None = None) -> UidLease:
    """Lease a uid no other runner on this machine holds now.

    Raises:
        IsolationUnavailable: every uid of the range is in use (more runners at
            once than the range holds).
    """
    uids = uid_range() if uids is None else uids
    folder = _lease_dir() if folder is None else folder
    with (folder / "next").open("a+") as counter:
        fcntl.flock(counter, fcntl.LOCK_EX)
        counter.seek(0)
        text = counter.read().strip()
        start = int(text) % len(uids) if text.isdigit() else 0
        for offset in range(len(uids)):
            index = (start + offset) % len(uids)
            handle = (folder / f"{uids[index]}.lock").open("a")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                continue
            counter.seek(0)
            counter.truncate()
            counter.write(str(index + 1))
            return UidLease(uids[index], handle)
    raise IsolationUnavailable(
        f"all {len(uids)} runner uids ({uids[0]}-{uids[-1]}) are in use",
        hint=f"grade fewer submissions at once or widen {UID_RANGE_ENV}")
