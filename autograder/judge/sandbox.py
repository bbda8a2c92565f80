"""Start the untrusted runner process, confined and limited.

TRUSTED SIDE. This is the only place that decides how student code is started.

``bubblewrap`` isolation (the default): fresh pid, network, ipc and uts
namespaces; a new root holding only a read-only system (``/usr``, a few files of
``/etc``), a size-capped writable ``/tmp`` and private ``/dev/shm``, and on top
of them the read-only Python runtime (wherever it lives, see
:mod:`autograder.judge.runtime`) and the ``autograder`` package; no ``graders/``,
``solutions/``, gradebook, submissions, data or home directory. Started by
root it runs the runner as an unprivileged uid of its own, leased for this
runner alone (:mod:`autograder.judge.runner_ids`), with no capabilities and
``no_new_privs`` (``setpriv``), without a user namespace, so no uid inside maps
to host root; started by another user it uses bubblewrap's user namespace.
It dies with its parent, and killing it kills every process in its pid
namespace.

``process`` isolation (only with an explicit opt-in): the same runner in a
plain child process with rlimits and an empty environment. Student code can
then read whatever the grading user can.

Both apply rlimits: address space, CPU time, processes, file size, no core
dumps; and, where the judge can make cgroups, one cgroup per runner bounds
the memory and the processes of the whole sandbox together
(:mod:`autograder.judge.cgroups`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from autograder.config import Limits
from autograder.errors import IsolationUnavailable
from autograder.judge import cgroups
from autograder.judge.cgroups import RunnerCgroup
from autograder.judge.lock_filter import lock_filter
from autograder.judge.runner_ids import UidLease, lease_uid
from autograder.judge.runtime import (
    ENGINE_MOUNT,
    SYSTEM_DIRS,
    bootstrap,
    engine_dir,
    runtime_for,
)

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
INSTALL_HINT = "install it: sudo apt-get install bubblewrap"
#: How the runner's interpreter starts: no user site-packages, no script folder on sys.path.
#: Not ``-I``: its ``-E`` would drop PYTHONHASHSEED, and the environment is ours anyway.
RUNNER_FLAGS = ("-s", "-P")

_SHM_MB = 64
#: Files of /etc that dynamic linking, time zones and user lookups need; nothing else.
_ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf",
              "passwd", "group", "fonts", "alternatives")
_GPU_DEVICES = ("nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia-modeset")


@dataclass
class RunnerProcess:
    """A started runner: the process, its scratch directory and its log file."""

    process: subprocess.Popen[bytes]
    scratch: tempfile.TemporaryDirectory[str]
    log_path: Path
    isolation: str
    #: The uid this runner alone runs as (bubblewrap started by root), else ``None``.
    uid_lease: UidLease | None = None
    #: The cgroup bounding the whole sandbox, where the judge could make one.
    cgroup: RunnerCgroup | None = None

    @property
    def tree_bounds(self) -> str:
        """What bounds this runner's processes together (for the report)."""
        return self.cgroup.description if self.cgroup is not None else cgroups.RLIMITS_ONLY

    def kill(self) -> None:
        """Kill the runner's whole process group and whatever is left in its cgroup, remove
        its scratch space and cgroup, free its uid."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                stream.close()
        if self.cgroup is not None:
            self.cgroup.remove()
        self.scratch.cleanup()
        if self.uid_lease is not None:
            self.uid_lease.release()

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
def bubblewrap_problem() -> tuple[str, str] | None:
    """Why bubblewrap cannot isolate the runner here and how to fix it, or ``None``."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed", INSTALL_HINT
    probe = [bwrap, *_namespace_flags(), "--ro-bind", "/", "/", "true"]
    done = subprocess.run(probe, capture_output=True, text=True, check=False, timeout=30)
    if done.returncode != 0:
        return (f"bubblewrap cannot create namespaces here ({done.stderr.strip()[:200]})",
                "enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)"
                " or grade as root")
    return None


def start_runner(limits: Limits, isolation: str = BUBBLEWRAP, gpu: bool = False,
                 python: str | None = None, protect: Sequence[Path] = ()) -> RunnerProcess:
    """Start the runner (``autograder.runner``) confined as ``isolation`` says.

    Args:
        limits: the assignment's limits for the selected profile.
        isolation: ``"bubblewrap"`` or ``"process"`` (weaker; explicit opt-in only).
        gpu: give the sandbox the NVIDIA device nodes (and nothing else of /dev).
        python: the interpreter that runs student code (default: this process's).
        protect: folders that must stay out of the sandbox even if the
            interpreter's ``sys.path`` names them (the course repository).

    Returns:
        The running process; its stdin/stdout are the protocol pipes.

    Raises:
        IsolationUnavailable: if bubblewrap was asked for and cannot run here, or
            the runtime cannot be shown without a protected folder.
        RunnerStartFailure: if the interpreter cannot be run at all.
    """
    python = python or sys.executable
    scratch = tempfile.TemporaryDirectory(prefix="course-runner-")
    scratch_path = Path(scratch.name)
    log_path = scratch_path / "runner.log"
    lease: UidLease | None = None
    group: RunnerCgroup | None = None
    passed: list[int] = []  # descriptors the sandbox inherits (the seccomp program)
    try:
        if isolation == BUBBLEWRAP:
            problem = bubblewrap_problem()
            if problem is not None:
                raise IsolationUnavailable(problem[0], hint=problem[1])
            protected = [*protect, Path(tempfile.gettempdir())]
            env = _environment(Path("/tmp"))
            lease = lease_uid() if os.geteuid() == 0 else None
            uid = lease.uid if lease is not None else None
            seccomp_fd = _filter_fd(scratch_path)
            if seccomp_fd is not None:
                passed.append(seccomp_fd)
            command = [*_bubblewrap_command(limits, gpu, python, protected, env, uid,
                                            seccomp_fd),
                       python, *RUNNER_FLAGS, "-c", bootstrap(ENGINE_MOUNT)]
        elif isolation == PROCESS:
            # Only the engine package, not the checkout around it, goes on sys.path.
            (scratch_path / "engine").mkdir()
            (scratch_path / "engine" / "autograder").symlink_to(engine_dir())
            command = [python, *RUNNER_FLAGS, "-c", bootstrap(str(scratch_path / "engine"))]
            env = _environment(scratch_path)
        else:
            raise ValueError(f"isolation must be {BUBBLEWRAP!r} or {PROCESS!r}. "
                             f"Received: isolation={isolation!r}")
        group = cgroups.create(limits)
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                _limited(command, limits, group.procs_files if group is not None else []),
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, cwd=scratch_path,
                env=env, start_new_session=True, close_fds=True, pass_fds=passed)
    except BaseException:
        if group is not None:
            group.remove()
        scratch.cleanup()
        if lease is not None:
            lease.release()
        raise
    finally:
        for fd in passed:
            os.close(fd)
    return RunnerProcess(process=process, scratch=scratch, log_path=log_path, isolation=isolation,
                         uid_lease=lease, cgroup=group)


def _environment(home: Path) -> dict[str, str]:
    """The runner's whole environment: nothing of the instructor's."""
    return {
        "HOME": str(home),
        "TMPDIR": str(home),
        "PATH": os.pathsep.join((str(Path(sys.executable).parent), "/usr/bin", "/bin")),
        "LANG": "C.UTF-8",
        "USER": "runner",  # the leased uid has no account: getpass.getuser() reads this
        "LOGNAME": "runner",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONNOUSERSITE": "1",
        "PYTHONHASHSEED": "0",  # set and dict order of strings: the same in every regrade
        "MPLBACKEND": "Agg",
        # The sandbox refuses file locks (lock_filter); HDF5 is told not to try.
        "HDF5_USE_FILE_LOCKING": "FALSE",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        # On a GPU, take device memory as needed rather than all of it at the first op.
        "TF_FORCE_GPU_ALLOW_GROWTH": "true",
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


def _filter_fd(scratch: Path) -> int | None:
    """An open descriptor on the runner's seccomp program (:mod:`lock_filter`), or ``None``
    on a machine it has no system call numbers for."""
    program = lock_filter()
    if program is None:
        return None
    path = scratch / "seccomp.bpf"
    path.write_bytes(program)
    return os.open(path, os.O_RDONLY)


def _bubblewrap_command(limits: Limits, gpu: bool, python: str, protect: Sequence[Path],
                        env: dict[str, str], uid: int | None,
                        seccomp_fd: int | None = None) -> list[str]:
    runtime = runtime_for(python, protect)
    bwrap = shutil.which("bwrap") or "bwrap"
    command = [bwrap, *_namespace_flags(), "--clearenv"]
    for name, value in env.items():
        command += ["--setenv", name, value]
    command += _system_mounts()
    # The fresh /tmp comes before the runtime: a virtualenv under the host's /tmp is bound
    # on top of it rather than hidden by it.
    command += ["--proc", "/proc", "--dev", "/dev",
                "--size", str(_SHM_MB * 1024 * 1024), "--perms", "1777", "--tmpfs", "/dev/shm",
                "--size", str(limits.tmpfs_mb * 1024 * 1024), "--perms", "1777",
                "--tmpfs", "/tmp"]
    engine = Path(ENGINE_MOUNT) / "autograder"
    targets = [target for _, target in runtime.binds] + [engine]
    command += _parent_dirs(targets)
    for source, target in runtime.binds:
        command += ["--ro-bind", str(source), str(target)]
    command += ["--ro-bind", str(engine_dir()), str(engine), "--chdir", "/tmp"]
    if gpu:
        devices = [f"/dev/{name}" for name in _GPU_DEVICES]
        devices += [str(p) for p in sorted(Path("/dev").glob("nvidia[0-9]*"))]
        for device in devices:
            command += ["--dev-bind-try", device, device]
    if seccomp_fd is not None:
        command += ["--seccomp", str(seccomp_fd)]
    if uid is not None:
        command += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
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
    Ancestors inside the system folders and the mount points made above
    (``/tmp``, ``/proc``, ``/dev``) exist already.
    """
    system = [Path(d) for d in SYSTEM_DIRS]
    existing = {Path("/"), Path("/tmp"), Path("/proc"), Path("/dev"), *system}
    parents = sorted({p for path in paths for p in path.parents
                      if p not in existing and not any(d in p.parents for d in system)},
                     key=lambda p: len(p.parts))
    flags: list[str] = []
    for parent in parents:
        flags += ["--perms", "0755", "--dir", str(parent)]
    return flags


#: The first program of every runner (``python -I -S -c``): it asks to die with the judge,
#: moves itself into the runner's cgroup (still as the judge's user, before bubblewrap and
#: setpriv drop it), sets the limits, and execs the runner's command. The limits are set
#: here, in a fresh
#: single-threaded interpreter, and not in a ``preexec_fn``: the judge may have threads by
#: the time it starts a runner (Keras' import in the background, TensorFlow's pools after
#: the judge's own training), and Python code between fork and exec in a process with
#: threads can deadlock on a lock another thread held (the dynamic loader's, for one).
_LIMITER = """
import ctypes, os, resource, signal, sys
ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
if os.getppid() != int(sys.argv[1]):
    os._exit(70)  # the judge is already gone
groups = int(sys.argv[7])
for procs in sys.argv[8:8 + groups]:
    with open(procs, "w") as handle:
        handle.write(str(os.getpid()))
for name, value in zip(("AS", "CPU", "FSIZE", "CORE", "NPROC"), sys.argv[2:7]):
    resource.setrlimit(getattr(resource, "RLIMIT_" + name), (int(value), int(value)))
command = sys.argv[8 + groups:]
os.execvp(command[0], command)
"""


def _limited(command: Sequence[str], limits: Limits, cgroup_procs: Sequence[str] = ()
             ) -> list[str]:
    """``command`` started under ``limits``, inside the cgroups whose ``cgroup.procs`` files
    are ``cgroup_procs``, and killed when the judge dies (see _LIMITER)."""
    mib = 1024 * 1024
    values = (limits.memory_mb * mib, limits.cpu_seconds, limits.max_file_mb * mib, 0,
              limits.max_processes)
    return [sys.executable, "-I", "-S", "-c", _LIMITER, str(os.getpid()),
            *(str(v) for v in values), str(len(cgroup_procs)), *cgroup_procs, *command]
