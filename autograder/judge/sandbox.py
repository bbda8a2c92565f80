"""Start the untrusted runner process, confined and limited.

TRUSTED SIDE. This is the only place that decides how student code is started:
which binary, which environment, which working directory, which limits. The
runner gets a scratch directory and an environment with nothing of the
instructor's in it; it inherits no file descriptors except its protocol pipes
and a capped log.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from autograder.config import Limits

__all__ = ["RunnerProcess", "start_runner"]

#: Variables the runner may see; everything else of the instructor's is dropped.
_PASSED_ENV = ("LANG", "LC_ALL", "TZ")
_PR_SET_PDEATHSIG = 1


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


def runner_environment(scratch: Path) -> dict[str, str]:
    """The runner's whole environment: a scratch home and quiet TensorFlow."""
    env = {name: os.environ[name] for name in _PASSED_ENV if name in os.environ}
    env.update(
        HOME=str(scratch),
        TMPDIR=str(scratch),
        PATH=os.pathsep.join((str(Path(sys.executable).parent), "/usr/bin", "/bin")),
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONNOUSERSITE="1",
        MPLBACKEND="Agg",
        TF_CPP_MIN_LOG_LEVEL="2",
        KERAS_HOME=str(scratch / ".keras"),
        CUDA_VISIBLE_DEVICES=os.environ.get("CUDA_VISIBLE_DEVICES", ""),
        COURSE_GRADING="1",
    )
    return env


def _limit_resources(limits: Limits) -> Callable[[], None]:
    def apply() -> None:
        # Die with the judge: an orphaned runner must never outlive grading.
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        mib = 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mib,) * 2)
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds,) * 2)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.max_file_mb * mib,) * 2)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def start_runner(limits: Limits) -> RunnerProcess:
    """Start ``python -m autograder.runner`` in its own session with rlimits.

    Args:
        limits: the assignment's limits for the selected profile.

    Returns:
        The running process; its stdin/stdout are the protocol pipes.
    """
    scratch = tempfile.TemporaryDirectory(prefix="course-runner-")
    scratch_path = Path(scratch.name)
    log_path = scratch_path / "runner.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-I", "-m", "autograder.runner"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            cwd=scratch_path,
            env=runner_environment(scratch_path),
            start_new_session=True,
            close_fds=True,
            preexec_fn=_limit_resources(limits),  # noqa: PLW1509 - no threads run here yet
        )
    return RunnerProcess(process=process, scratch=scratch, log_path=log_path,
                         isolation="process")
