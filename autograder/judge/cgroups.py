"""Bounds on a runner's whole process tree: one cgroup per runner for memory and processes.

TRUSTED SIDE. The runner's rlimits bound each process: ``RLIMIT_AS`` one
process's address space, ``RLIMIT_NPROC`` the processes of a uid. A submission
that starts many processes escapes the first (each gets its own 4 GiB), and the
second is only per submission because each runner has a uid of its own. Where
the judge may create cgroups, each runner gets one: ``memory`` bounded at the
profile's ``Limits.memory_mb`` for every process of the submission together
(resident memory and page cache; the kernel reclaims cache, then kills inside
the cgroup only), ``pids`` at ``Limits.max_processes`` (threads count).
The runner's first program (:data:`autograder.judge.sandbox._LIMITER`) moves
itself into the cgroup before it execs bubblewrap, so every process the
submission ever starts is inside, and no process of another submission is.

Where this works:

* **cgroup v2** (the unified hierarchy, Debian 12's default): a child of the
  judge's own cgroup, when that cgroup lets it create children with the
  ``memory`` and ``pids`` controllers (root, or a subtree delegated to the
  grading user, e.g. ``systemd-run --user --scope -p Delegate=yes``);
* **cgroup v1**: a child of the judge's cgroup in the ``memory`` and ``pids``
  hierarchies, when they are mounted and writable (root).

Elsewhere the runner is started with its rlimits alone, and the report says so
(:data:`RLIMITS_ONLY`, ``GradeReport.tree_bounds``).
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from autograder.config import Limits

__all__ = ["RLIMITS_ONLY", "RunnerCgroup", "create", "hierarchy"]

CGROUP_ROOT = Path("/sys/fs/cgroup")
_PREFIX = "course-runner-"
#: What bounds a runner where no cgroup could be made (the report says it).
RLIMITS_ONLY = ("rlimits only (no writable cgroup hierarchy): memory and processes bounded "
                "per process and per runner uid, not for the sandbox as a whole")


@dataclass(frozen=True)
class Hierarchy:
    """Where runner cgroups are made: the judge's own cgroup directory per controller."""

    version: int
    memory: Path
    pids: Path

    @property
    def folders(self) -> tuple[Path, ...]:
        return (self.memory,) if self.memory == self.pids else (self.memory, self.pids)


@dataclass
class RunnerCgroup:
    """One runner's cgroup (a directory per hierarchy; one on v2)."""

    version: int
    folders: tuple[Path, ...]
    memory_mb: int
    max_processes: int

    @property
    def procs_files(self) -> list[str]:
        """The files the runner's first program writes its pid to."""
        return [str(folder / "cgroup.procs") for folder in self.folders]

    @property
    def description(self) -> str:
        return (f"cgroup v{self.version}: {self.memory_mb} MiB, {self.max_processes} processes "
                "for the whole sandbox")

    def pids(self) -> list[int]:
        found: set[int] = set()
        for folder in self.folders:
            with contextlib.suppress(OSError, ValueError):
                found.update(int(line) for line in
                             (folder / "cgroup.procs").read_text().split())
        return sorted(found)

    def out_of_memory(self) -> bool:
        """Whether the kernel killed a process here for the memory bound."""
        memory = self.folders[0]
        try:
            if self.version == 2:
                events = dict(line.split() for line in
                              (memory / "memory.events").read_text().splitlines())
                return int(events.get("oom_kill", "0")) > 0
            control = dict(line.split() for line in
                           (memory / "memory.oom_control").read_text().splitlines())
            return int(control.get("oom_kill", "0")) > 0
        except (OSError, ValueError):
            return False

    def remove(self, timeout: float = 5.0) -> None:
        """Kill whatever is left inside and remove the directories (best effort)."""
        deadline = time.monotonic() + timeout
        for folder in self.folders:
            while True:
                for pid in self.pids():
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.kill(pid, signal.SIGKILL)
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        break
                    time.sleep(0.05)


def _own_paths(text: str) -> dict[str, str]:
    """``/proc/self/cgroup`` as controller → path (``""`` for the v2 line)."""
    paths = {}
    for line in text.splitlines():
        parts = line.split(":", 2)
        if len(parts) == 3:
            for controller in parts[1].split(",") if parts[1] else [""]:
                paths[controller] = parts[2]
    return paths


def _mounts(text: str) -> dict[str, tuple[Path, str]]:
    """``/proc/self/mountinfo``'s cgroup mounts as controller → (mount point, root in the
    hierarchy); ``""`` for the v2 mount."""
    mounts: dict[str, tuple[Path, str]] = {}
    for line in text.splitlines():
        fields = line.split()
        if " - " not in line or len(fields) < 5:
            continue
        after = line.split(" - ", 1)[1].split()
        if len(after) < 3:
            continue
        fstype, options = after[0], after[2].split(",")
        if fstype == "cgroup2":
            mounts.setdefault("", (Path(fields[4]), fields[3]))
        elif fstype == "cgroup":
            for controller in ("memory", "pids"):
                if controller in options:
                    mounts.setdefault(controller, (Path(fields[4]), fields[3]))
    return mounts


def _inside(mount: tuple[Path, str], path: str) -> Path | None:
    point, root = mount
    relative = os.path.relpath(path, root) if root != "/" else path.lstrip("/")
    if relative.startswith(".."):
        return None
    folder = (point / relative).resolve() if relative not in ("", ".") else point
    return folder if folder.is_dir() else None


def _usable(folder: Path, files: tuple[str, ...]) -> bool:
    """Whether a child of ``folder`` can be made and bounded here: try it."""
    probe = folder / f"{_PREFIX}probe-{uuid.uuid4().hex[:8]}"
    try:
        probe.mkdir()
    except OSError:
        return False
    try:
        return all(os.access(probe / name, os.W_OK) for name in (*files, "cgroup.procs"))
    finally:
        with contextlib.suppress(OSError):
            probe.rmdir()


def _remove_stale(folder: Path) -> None:
    """Remove runner cgroups a judge killed outright left behind (its pid is in the name)."""
    for stale in folder.glob(f"{_PREFIX}*"):
        owner = stale.name[len(_PREFIX):].split("-", 1)[0]
        if owner.isdigit() and not Path(f"/proc/{owner}").exists():
            with contextlib.suppress(OSError):  # still busy: leave it
                stale.rmdir()


@functools.cache
def hierarchy() -> Hierarchy | None:
    """Where this judge can make bounded runner cgroups, or ``None`` (first call: also
    removes empty runner cgroups of judges that are gone)."""
    try:
        own = _own_paths(Path("/proc/self/cgroup").read_text())
        mounts = _mounts(Path("/proc/self/mountinfo").read_text())
    except OSError:
        return None
    if "" in mounts and "" in own:
        folder = _inside(mounts[""], own[""])
        if folder is not None and _usable(folder, ("memory.max", "pids.max")):
            _remove_stale(folder)
            return Hierarchy(2, folder, folder)
    if "memory" in mounts and "pids" in mounts and "memory" in own and "pids" in own:
        memory = _inside(mounts["memory"], own["memory"])
        pids = _inside(mounts["pids"], own["pids"])
        if (memory is not None and pids is not None
                and _usable(memory, ("memory.limit_in_bytes",))
                and _usable(pids, ("pids.max",))):
            for folder in (memory, pids):
                _remove_stale(folder)
            return Hierarchy(1, memory, pids)
    return None


def create(limits: Limits) -> RunnerCgroup | None:
    """A fresh cgroup bounded by ``limits`` for one runner, or ``None`` where none can be made.

    Raises:
        OSError: the hierarchy was usable but this cgroup could not be set up.
    """
    found = hierarchy()
    if found is None:
        return None
    name = f"{_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:12]}"
    memory = limits.memory_mb * 1024 * 1024
    group = RunnerCgroup(found.version, tuple(folder / name for folder in found.folders),
                         limits.memory_mb, limits.max_processes)
    try:
        for folder in group.folders:
            folder.mkdir()
        if found.version == 2:
            (group.folders[0] / "memory.max").write_text(str(memory))
            with contextlib.suppress(OSError):  # absent without swap accounting
                (group.folders[0] / "memory.swap.max").write_text("0")
            (group.folders[0] / "pids.max").write_text(str(limits.max_processes))
        else:
            (group.folders[0] / "memory.limit_in_bytes").write_text(str(memory))
            with contextlib.suppress(OSError):  # absent without swap accounting
                (group.folders[0] / "memory.memsw.limit_in_bytes").write_text(str(memory))
            (group.folders[1] / "pids.max").write_text(str(limits.max_processes))
    except OSError:
        group.remove()
        raise
    return group
