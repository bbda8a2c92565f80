"""What the sandbox must show a runner so that its Python interpreter can start.

TRUSTED SIDE. The runner's interpreter is asked once (``python -I``, so none of
the caller's environment plays a part) for its prefixes and its ``sys.path``;
the folders it names are what the sandbox binds read-only, each at its real
location and, where the interpreter was reached through a symlink, at the path
it knows as well. That works wherever the course lives: a virtualenv under
``/tmp`` (the sandbox's ``/tmp`` is a fresh tmpfs, so a runtime there must be
bound on top of it), a path with spaces, a checkout behind a symlink, a
virtualenv created with ``--system-site-packages`` and the system Python.

The engine's own package is not looked up through the interpreter: the
sandbox mounts it at :data:`ENGINE_MOUNT` and the runner's bootstrap puts that
folder first on ``sys.path``, so an editable install, a plain install or no
install at all behave the same.

A folder that holds or contains a protected path (the course repository with
its graders and solutions, the system temporary folder with other gradings'
scratch space) is never bound.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import autograder
from autograder.errors import IsolationUnavailable, RunnerStartFailure

__all__ = ["ENGINE_MOUNT", "SYSTEM_DIRS", "Runtime", "bootstrap", "engine_dir", "runtime_for"]

#: Where the sandbox mounts the engine's package (``autograder/``), read-only.
ENGINE_MOUNT = "/opt/course-engine"
#: Top-level folders the sandbox binds whole; a runtime inside them needs no bind of its own.
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")

_QUERY = ("import json, sys; print(json.dumps({'prefix': sys.prefix, "
          "'base_prefix': sys.base_prefix, 'executable': sys.executable, 'path': sys.path}))")
_QUERY_TIMEOUT_S = 60


@dataclass(frozen=True)
class Runtime:
    """The folders one interpreter needs inside the sandbox.

    Attributes:
        python: the interpreter, as the runner command names it.
        binds: ``(host folder, sandbox path)`` pairs, parents before children.
        left_out: ``sys.path`` entries not bound because they hold a protected path.
    """

    python: str
    binds: tuple[tuple[Path, Path], ...]
    left_out: tuple[str, ...] = ()


def engine_dir() -> Path:
    """The folder of the engine package this process runs (``.../autograder``)."""
    return Path(autograder.__file__).resolve().parent


def bootstrap(engine_parent: str) -> str:
    """Source for ``python -I -c``: put the engine first on ``sys.path`` and serve the judge."""
    return (f"import sys; sys.path.insert(0, {engine_parent!r}); "
            "from autograder.runner.__main__ import main; main()")


def runtime_for(python: str, protect: Sequence[Path] = ()) -> Runtime:
    """Ask ``python`` where its runtime lives and plan the binds that show it.

    Args:
        python: path of the interpreter that will run the runner.
        protect: folders student code must never see; a runtime folder that holds
            one of them is left out (``sys.path`` entries) or refused (prefixes).

    Raises:
        RunnerStartFailure: the interpreter cannot be run or does not answer.
        IsolationUnavailable: the interpreter's own prefix holds a protected folder.
    """
    facts = _query(python)
    guarded = [Path(os.path.realpath(p)) for p in protect]
    required = [facts.prefix, facts.base_prefix, os.path.dirname(python),
                os.path.dirname(os.path.realpath(python))]
    for folder in required:
        exposed = _holds_protected(Path(os.path.realpath(folder)), guarded)
        if exposed is not None:
            raise IsolationUnavailable(
                f"the runner's interpreter lives in {folder}, which holds {exposed}; "
                "binding it into the sandbox would show it to student code",
                hint="install the course's Python environment outside the course repository "
                     "and outside the system temporary folder")
    binds: list[tuple[Path, Path]] = []
    left_out: list[str] = []
    for entry in [*required, *facts.path]:
        if not entry or not os.path.exists(entry):
            continue
        real = Path(os.path.realpath(entry))
        if _holds_protected(real, guarded) is not None:
            left_out.append(entry)
            continue
        binds += [(real, real), (real, Path(os.path.abspath(entry)))]
    return Runtime(python=python, binds=_minimal(binds), left_out=tuple(left_out))


@dataclass(frozen=True)
class _Facts:
    prefix: str
    base_prefix: str
    path: tuple[str, ...]


@functools.cache
def _query(python: str) -> _Facts:
    """The interpreter's prefixes and isolated ``sys.path`` (asked once per process)."""
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
    try:
        done = subprocess.run([python, "-I", "-c", _QUERY], capture_output=True, text=True,
                              env=env, timeout=_QUERY_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RunnerStartFailure(
            f"cannot run the runner's interpreter {python}: {exc}",
            hint="point COURSE_RUNNER_PYTHON at a working Python 3.11 with the course's "
                 "packages, or unset it to use the engine's own interpreter") from None
    try:
        facts = json.loads(done.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        raise RunnerStartFailure(
            f"the runner's interpreter {python} did not describe itself "
            f"(exit status {done.returncode})",
            hint="check that it is a working Python 3.11", log=done.stderr[-2000:]) from None
    if not isinstance(facts, dict) or not isinstance(facts.get("path"), list):
        raise RunnerStartFailure(f"the runner's interpreter {python} gave an unreadable answer")
    return _Facts(str(facts["prefix"]), str(facts["base_prefix"]),
                  tuple(str(p) for p in facts["path"]))


def _holds_protected(folder: Path, protected: Iterable[Path]) -> Path | None:
    for guarded in protected:
        if guarded == folder or folder in guarded.parents:
            return guarded
    return None


def _inside(path: Path, folders: Iterable[str]) -> bool:
    return any(path == Path(f) or Path(f) in path.parents for f in folders)


def _minimal(binds: Iterable[tuple[Path, Path]]) -> tuple[tuple[Path, Path], ...]:
    """Drop binds already visible through the system folders or through a parent bind."""
    system = [os.path.realpath(d) for d in SYSTEM_DIRS] + list(SYSTEM_DIRS)
    kept: list[tuple[Path, Path]] = []
    for source, target in sorted(set(binds), key=lambda b: (len(b[1].parts), str(b[1]))):
        if _inside(target, system) and source == target:
            continue
        covered = any(target == t or (t in target.parents
                                      and source == s / target.relative_to(t))
                      for s, t in kept)
        if not covered:
            kept.append((source, target))
    return tuple(kept)
