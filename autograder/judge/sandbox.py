"""Start the untrusted runner process, confined and limited.

TRUSTED SIDE. This is the only place that decides how student code is started.

``bubblewrap`` isolation (the default): fresh pid, network, ipc and uts
namespaces; a new root holding only a read-only system (``/usr``, a few files of
``/etc``), the read-only Python runtime and the ``autograder`` package; a
size-capped writable ``/tmp`` and private ``/dev/shm``; no ``graders/``,
``solutions/``, gradebook, submissions, data or home directory. Started by
root it runs the runner as ``nobody`` with no capabilities and
``no_new_privs`` (``setpriv``), without a user namespace, so no uid inside maps
to host root; started by another user it uses bubblewrap's user namespace.
It dies with its parent, and killing it kills every process in its pid
namespace.

``process`` isolation (only with an explicit opt-in): the same runner in a
plain child process with rlimits and an empty environment. Student code can
then read whatever the grading user can.

Both apply rlimits: address space, CPU time, processes, file size, no core
dumps.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import autograder
from autograder.config import Limits

__all__ = [
    "BUBBLEWRAP",
    "PROCESS",
    "IsolationUnavailable",
    "RunnerProcess",
    "bubblewrap_problem",
    "start_runner",
]

BUBBLEWRAP = "bubblewrap"
PROCESS = "process"
#: What every report says when the instructor accepted the weaker mode.
WEAK_NOTE = ("WEAK ISOLATION: runner in a plain process with rlimits (no bubblewrap); "
             "student code could read files the grading user can read")
INSTALL_HINT = "install it with `sudo apt-get install bubblewrap`"

_NOBODY = 65534
_PR_SET_PDEATHSIG = 1
_SHM_MB = 64
#: Files of /etc that dynamic linking, time zones and user lookups need; nothing else.
_ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf",
              "passwd", "group", "fonts", "alternatives")
_GPU_DEVICES = ("nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia-modeset")


class IsolationUnavailable(RuntimeError):
    """bubblewrap cannot be used here and weaker isolation was not accepted."""


@dataclass
class RunnerProcess:
    """A started runner: the process, its scratch directory and its log file."""

    process: subprocess.Popen[bytes]
    scratch: tempfile.TemporaryDirectory[str]
    log_path: Path
    isolation: str

    def kill(self) -> None:
        """Kill the runner's whole process group and remove its scratch space."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        self.scratch.cleanup()

    def log_tail(self, size: int = 2000) -> str:
        """The end of what the runner wrote to fds 1 and 2 (for instructors' logs)."""
        try:
            with self.log_path.open("rb") as handle:
                handle.seek(0, os.SEEK_END)
                handle.seek(max(0, handle.tell() - size))
                return handle.read().decode(errors="replace")
        except OSError:
            return ""


@functools.cache
def bubblewrap_problem() -> str | None:
    """Why bubblewrap cannot isolate the runner here, or ``None`` when it can."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return f"bubblewrap (bwrap) is not installed; {INSTALL_HINT}"
    probe = [bwrap, *_namespace_flags(), "--ro-bind", "/", "/", "true"]
    done = subprocess.run(probe, capture_output=True, text=True, check=False, timeout=30)
    if done.returncode != 0:
        return (f"bubblewrap cannot create namespaces here ({done.stderr.strip()[:200]}); "
                "enable unprivileged user namespaces or grade as root")
    return None


def start_runner(limits: Limits, isolation: str = BUBBLEWRAP, gpu: bool = False) -> RunnerProcess:
    """Start ``python -m autograder.runner`` confined as ``isolation`` says.

    Args:
        limits: the assignment's limits for the selected profile.
        isolation: ``"bubblewrap"`` or ``"process"`` (weaker; explicit opt-in only).
        gpu: give the sandbox the NVIDIA device nodes (and nothing else of /dev).

    Returns:
        The running process; its stdin/stdout are the protocol pipes.

    Raises:
        IsolationUnavailable: if bubblewrap was asked for and cannot run here.
    """
    scratch = tempfile.TemporaryDirectory(prefix="course-runner-")
    scratch_path = Path(scratch.name)
    log_path = scratch_path / "runner.log"
    runner = [sys.executable, "-I", "-m", "autograder.runner"]
    if isolation == BUBBLEWRAP:
        problem = bubblewrap_problem()
        if problem is not None:
            scratch.cleanup()
            raise IsolationUnavailable(problem)
        command = _bubblewrap_command(limits, gpu) + runner
        env = _environment(Path("/tmp"))
        cwd = scratch_path
    elif isolation == PROCESS:
        command, env, cwd = runner, _environment(scratch_path), scratch_path
    else:
        raise ValueError(f"isolation must be {BUBBLEWRAP!r} or {PROCESS!r}. "
                         f"Received: isolation={isolation!r}")
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, cwd=cwd,
            env=env, start_new_session=True, close_fds=True,
            preexec_fn=_limit_resources(limits),  # noqa: PLW1509 - the judge runs no threads here
        )
    return RunnerProcess(process=process, scratch=scratch, log_path=log_path, isolation=isolation)


def _environment(home: Path) -> dict[str, str]:
    """The runner's whole environment: nothing of the instructor's."""
    return {
        "HOME": str(home),
        "TMPDIR": str(home),
        "PATH": os.pathsep.join((str(Path(sys.executable).parent), "/usr/bin", "/bin")),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "MPLBACKEND": "Agg",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "KERAS_HOME": str(home / ".keras"),
        "COURSE_GRADING": "1",
    }


def _namespace_flags() -> list[str]:
    flags = ["--die-with-parent", "--new-session", "--unshare-pid", "--unshare-net",
             "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    # As root, a user namespace would map the sandbox to host uid 0 (DESIGN.md
    # section 3): use none and drop to nobody with setpriv instead. Otherwise
    # bubblewrap needs one, and it maps to the unprivileged caller.
    return flags if os.geteuid() == 0 else [*flags, "--unshare-user"]


def _bubblewrap_command(limits: Limits, gpu: bool) -> list[str]:
    bwrap = shutil.which("bwrap") or "bwrap"
    command = [bwrap, *_namespace_flags(), "--clearenv"]
    command += _system_mounts()
    runtime = sorted({Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
                      Path(autograder.__file__).resolve().parent})
    command += _parent_dirs(runtime)
    for path in runtime:
        command += ["--ro-bind", str(path), str(path)]
    if Path(sys.prefix) != Path(sys.prefix).resolve():
        command += ["--symlink", str(Path(sys.prefix).resolve()), str(sys.prefix)]
    command += ["--proc", "/proc", "--dev", "/dev",
                "--size", str(_SHM_MB * 1024 * 1024), "--perms", "1777", "--tmpfs", "/dev/shm",
                "--size", str(limits.tmpfs_mb * 1024 * 1024), "--perms", "1777",
                "--tmpfs", "/tmp", "--chdir", "/tmp"]
    if gpu:
        devices = [f"/dev/{name}" for name in _GPU_DEVICES]
        devices += [str(p) for p in sorted(Path("/dev").glob("nvidia[0-9]*"))]
        for device in devices:
            command += ["--dev-bind-try", device, device]
    if os.geteuid() == 0:
        command += ["setpriv", f"--reuid={_NOBODY}", f"--regid={_NOBODY}", "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--"]
    return command


def _system_mounts() -> list[str]:
    mounts = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            mounts += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            mounts += ["--ro-bind", str(path), str(path)]
    mounts += ["--perms", "0755", "--dir", "/etc"]
    for name in _ETC_FILES:
        mounts += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    return mounts


def _parent_dirs(paths: list[Path]) -> list[str]:
    """World-traversable directories for every ancestor of the bound paths.

    The host's ancestors may be private (a 0700 home holding the Python
    runtime); in the sandbox's new root they are empty 0755 directories, so
    the unprivileged runner can reach the runtime and nothing else there.
    """
    parents = sorted({p for path in paths for p in path.parents if p != Path("/")},
                     key=lambda p: len(p.parts))
    flags: list[str] = []
    for parent in parents:
        if parent.parts[1] in ("usr", "proc", "dev", "tmp"):
            continue
        flags += ["--perms", "0755", "--dir", str(parent)]
    return flags


def _limit_resources(limits: Limits) -> Callable[[], None]:
    def apply() -> None:
        # Die with the judge: an orphaned runner must never outlive grading.
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        mib = 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mib,) * 2)
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds,) * 2)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.max_file_mb * mib,) * 2)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.max_processes,) * 2)

    return apply
