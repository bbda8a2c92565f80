"""The judge's handle on a runner: send requests, enforce deadlines, survive crashes.

TRUSTED SIDE. Every reply is treated as hostile data: frames are size-capped
before they are read, arrays arrive without pickle, and each request has a
wall-clock deadline after which the runner's process group is killed. A runner
that dies or times out is restarted (cells re-executed) for the next check, so
one bad probe costs only the checks that used it.
"""

from __future__ import annotations

import os
import re
import secrets
import select
import signal
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np

from autograder.config import Limits
from autograder.errors import DeviceUnavailable, RunnerStartFailure
from autograder.judge.probe_specs import check_request
from autograder.judge.reply_schemas import ReplyMismatch, check_reply
from autograder.judge.sandbox import BUBBLEWRAP, RunnerProcess, start_runner
from autograder.protocol import ProtocolError, frame, read_message, write_message
from autograder.verdicts import CellStatus, Status

__all__ = [
    "RUNTIME_MODULES",
    "Cell",
    "RunnerClient",
    "RunnerCrashed",
    "RunnerFailure",
    "RunnerKilled",
    "RunnerOutOfMemory",
    "RunnerTimeout",
    "RuntimeFacts",
    "StudentCodeError",
    "Table",
]

#: Largest reply the judge reads from a runner (predictions of a test set fit easily).
MAX_REPLY_BYTES = 256 * 1024 * 1024
#: How long a fresh runner may take to answer ``hello`` (TensorFlow import included).
HELLO_SECONDS = 180
#: What a notebook of this course imports; the first runner must import each in the sandbox.
RUNTIME_MODULES = ("numpy", "pandas", "IPython", "tensorflow", "keras")
_MAX_RESTARTS = 3
_OUT_OF_MEMORY = frozenset({"MemoryError", "ResourceExhaustedError", "OutOfMemoryError"})
_TRUNCATED = "\n[... output truncated by the grader ...]\n"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LOG_TAIL_CHARS = 1500


class RunnerFailure(Exception):
    """The runner could not answer because of the submission; ``status`` names how.

    Args:
        message: English, for the instructor's log.
        student: Vietnamese, what the student reads (defaults to a generic text).
    """

    status = Status.CRASHED
    default_student = "tiến trình chạy bài không trả lời được"

    def __init__(self, message: str, student: str = "") -> None:
        super().__init__(message)
        self.student = student or self.default_student
        self.log = ""  # the end of the runner's stderr, once the failure is recorded


class RunnerTimeout(RunnerFailure):
    """The runner ran past its wall-clock limit and was killed."""

    status = Status.TIMEOUT
    default_student = "mã của bạn không trả lời trong thời gian cho phép"


class RunnerOutOfMemory(RunnerFailure):
    """Student code ran out of memory (hit the address-space limit)."""

    status = Status.OOM
    default_student = "vượt giới hạn bộ nhớ"


class RunnerCrashed(RunnerFailure):
    """The runner exited or broke the protocol."""

    status = Status.CRASHED


class RunnerKilled(RunnerFailure):
    """The runner was killed by a signal it did not ask for (not one of our deadlines)."""

    status = Status.KILLED
    default_student = "tiến trình bị một tín hiệu buộc dừng"


class StudentCodeError(Exception):
    """Student code raised while answering a probe.

    Attributes:
        type: the exception class name raised in the runner.
        message: its message (student-controlled text, capped).
    """

    def __init__(self, type_name: str, message: str) -> None:
        super().__init__(f"{type_name}: {message}")
        self.type = type_name
        self.message = message


@dataclass(frozen=True)
class Table:
    """A DataFrame returned by student code, as the judge sees it.

    Attributes:
        columns: column names, in the student's order.
        dtypes: the pandas dtype name of each column.
        values: all values as float64, shape ``(rows, len(columns))``.
    """

    columns: list[str]
    dtypes: list[str]
    values: np.ndarray

    def column(self, name: str) -> np.ndarray:
        """The values of column ``name`` (the first one, if names repeat)."""
        return self.values[:, self.columns.index(name)]


@dataclass(frozen=True)
class RuntimeFacts:
    """What the first runner of a grading reported about its runtime.

    Attributes:
        python: the runner's Python version.
        modules: version of each module of :data:`RUNTIME_MODULES`.
        gpus: the GPUs TensorFlow sees in the sandbox (asked for the gpu profile only).
    """

    python: str
    modules: dict[str, str]
    gpus: tuple[str, ...] = ()


@dataclass(frozen=True)
class Cell:
    """A code cell to execute: its index in the notebook and its source."""

    index: int
    source: str


@dataclass
class CellRun:
    """What executing one cell produced (outputs already size-capped)."""

    index: int
    outputs: list[dict[str, Any]]
    raised: bool
    status: CellStatus = CellStatus.OK


def _write_before(stream: IO[bytes], message: dict[str, Any], deadline: float) -> None:
    """Write one frame, giving up at ``deadline`` if the runner stops reading its pipe."""
    data = memoryview(frame(message))
    fd = stream.fileno()
    os.set_blocking(fd, False)
    while data:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise RunnerTimeout("the runner stopped reading requests",
                                "mã của bạn ngừng nhận yêu cầu của bộ chấm")
        _, ready, _ = select.select([], [fd], [], remaining)
        if ready:
            try:
                data = data[os.write(fd, data):]
            except BlockingIOError:
                continue


class _DeadlineReader:
    """A read-only binary stream over a pipe that gives up at a deadline."""

    def __init__(self, stream: IO[bytes], deadline: float) -> None:
        self._fd = stream.fileno()
        self._deadline = deadline

    def read(self, size: int) -> bytes:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise RunnerTimeout("the runner did not answer in time")
        ready, _, _ = select.select([self._fd], [], [], remaining)
        if not ready:
            raise RunnerTimeout("the runner did not answer in time")
        return os.read(self._fd, min(size, 1 << 20))


class RunnerClient:
    """Runs one submission's notebook in a runner and answers probes from checks.

    Args:
        cells: the notebook's code cells to execute, in order.
        limits: the assignment's limits for the selected profile.
        isolation: how the runner is confined (see ``autograder.judge.sandbox``).
        gpu: whether the runner gets the GPU device nodes.
        seed: the grading seed; every runner seeds its generators with it.
        python: the interpreter that runs student code (default: the judge's).
        protect: folders that must stay out of the sandbox (the course repository).
        runtime_modules: what the first runner must import before any cell runs
            (the pre-flight; see ``_launch``).
    """

    def __init__(self, cells: Sequence[Cell], limits: Limits, isolation: str = BUBBLEWRAP,
                 gpu: bool = False, seed: int | None = None, python: str | None = None,
                 protect: Sequence[Path] = (),
                 runtime_modules: Sequence[str] = RUNTIME_MODULES) -> None:
        self._cells = list(cells)
        self._limits = limits
        self._isolation = isolation
        self._gpu = gpu
        self._seed = seed
        self._python = python
        self._protect = tuple(protect)
        self._runtime_modules = list(runtime_modules)
        self._runner: RunnerProcess | None = None
        self._restarts = 0
        self._skip: set[int] = set()
        self._started_at = time.monotonic()
        self.cell_runs: list[CellRun] = []
        self.isolation = "none"
        #: What bounds the runner's processes together (see autograder.judge.cgroups).
        self.tree_bounds = "none"
        self.failures: list[str] = []
        #: Set by the first runner's answer (the pre-flight), see ``_launch``.
        self.runtime: RuntimeFacts | None = None

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> list[CellRun]:
        """Start the runner and execute every cell once, recording outputs.

        A cell that times out or kills the runner is recorded with that status
        and skipped from then on: a fresh runner replays the cells before it
        and execution goes on, so one runaway cell does not hide the rest of
        the notebook from the checks.

        Raises:
            RunnerStartFailure: a runner could not start or import its runtime
                (a fault of the grading machine: no student code had run in it).
        """
        self._runner = self._launch()
        done: list[Cell] = []
        for cell in self._cells:
            if self._runner is None and not self._restart(done):
                self.cell_runs.append(CellRun(cell.index, [], False, CellStatus.NOT_RUN))
                continue
            try:
                reply = self._execute(cell)
            except RunnerFailure as exc:
                self._skip.add(cell.index)
                self.cell_runs.append(CellRun(cell.index, [_failure_output(exc)], True,
                                              CellStatus(exc.status.value)))
                continue
            done.append(cell)
            outputs = reply.get("outputs") if isinstance(reply, dict) else None
            raised = bool(reply.get("raised")) if isinstance(reply, dict) else True
            self.cell_runs.append(CellRun(cell.index, _clean_outputs(
                outputs, self._limits.output_chars), raised))
        return self.cell_runs

    def close(self) -> None:
        """Stop the runner (politely, then by killing its process group)."""
        if self._runner is None:
            return
        try:
            if self._runner.process.stdin is not None and self._runner.process.poll() is None:
                write_message(self._runner.process.stdin, {"op": "shutdown"})
                self._runner.process.wait(timeout=2)
        except Exception:  # noqa: BLE001, S110 - a dead or wedged runner is killed below anyway
            pass
        self._runner.kill()
        self._runner = None

    def __enter__(self) -> RunnerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- probes ----------------------------------------------------------------

    def probe(self, name: str, **params: Any) -> Any:
        """Ask the runner to run probe ``name`` and return its (untrusted) result, checked
        against the probe's reply schema (``autograder.judge.reply_schemas``).

        Raises:
            GraderBug: the request itself is wrong (unknown probe or parameters).
            StudentCodeError: student code raised inside the probe.
            RunnerTimeout: the probe ran past ``probe_seconds``.
            RunnerCrashed: the runner died, broke the protocol or sent a reply that
                does not have the probe's shape.
            RunnerStartFailure: a fresh runner could not start.
        """
        check_request(name, params)
        self._ensure_running()
        reply = self._request({"op": "probe", "name": name, "params": params},
                              self._limits.probe_seconds)
        if not isinstance(reply, dict) or not isinstance(reply.get("ok"), bool):
            raise self._fail(RunnerCrashed("the runner sent a malformed reply",
                                           "tiến trình trả lời sai định dạng"))
        if not reply["ok"]:
            error = reply["error"] if isinstance(reply.get("error"), dict) else {}
            kind = str(error.get("type", "Error"))[:100]
            message = str(error.get("message", ""))[:2000]
            if kind in _OUT_OF_MEMORY:
                raise RunnerOutOfMemory(f"{kind}: {message}"[:300], f"{kind}: {message}"[:300])
            raise StudentCodeError(kind, message)
        result = reply.get("result")
        try:
            check_reply(name, result)
        except ReplyMismatch as exc:
            raise self._fail(RunnerCrashed(
                f"the reply to probe {name!r} does not have its shape ({exc})"[:500],
                "tiến trình trả lời sai định dạng")) from None
        return result

    def call(self, target: str, *args: Any, tensors: bool = True, **kwargs: Any) -> Any:
        """Call a student function and return its result as numpy/JSON data."""
        return self.probe("call", target=target, args=list(args), kwargs=kwargs, tensors=tensors)

    def array(self, value: Any, what: str) -> np.ndarray:
        """Check that a probe result is a numeric array, for use in asserts.

        Raises:
            StudentCodeError: describing what came back instead of an array.
        """
        if isinstance(value, np.ndarray):
            return value
        if isinstance(value, bool | int | float):
            return np.asarray(value)
        kind = value.get("__object__") if isinstance(value, dict) else type(value).__name__
        raise StudentCodeError("TypeError", f"{what} trả về {kind}, không phải một tensor số")

    def frame(self, value: Any, what: str) -> Table:
        """Check that a probe result is a DataFrame of numbers, for use in asserts.

        Raises:
            StudentCodeError: describing what came back instead (another type,
                non-numeric columns, or values that do not match the columns).
        """
        wire = value.get("__frame__") if isinstance(value, dict) else None
        if not isinstance(wire, dict):
            kind = value.get("__object__") if isinstance(value, dict) else type(value).__name__
            raise StudentCodeError("TypeError", f"{what} trả về {kind}, không phải một DataFrame")
        columns, dtypes, values = wire.get("columns"), wire.get("dtypes"), wire.get("values")
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns) \
                or not isinstance(dtypes, list):
            raise StudentCodeError("TypeError", f"{what}: DataFrame không đọc được")
        if values is None:
            kinds = sorted({str(d) for d in dtypes if not str(d).startswith(("float", "int",
                                                                            "uint", "bool"))})
            raise StudentCodeError("TypeError", f"{what} có cột không phải số (kiểu {kinds})")
        if not isinstance(values, np.ndarray) or values.ndim != 2 \
                or values.shape[1] != len(columns):
            raise StudentCodeError("TypeError", f"{what}: giá trị không khớp với các cột")
        return Table(columns=columns, dtypes=[str(d) for d in dtypes], values=values)

    # -- internals -------------------------------------------------------------

    def _launch(self) -> RunnerProcess:
        """Start a runner and wait for its ``hello``.

        No student code has run in a fresh runner, so one that cannot answer is
        the grading machine's fault, never the student's. The first runner of a
        client is also the pre-flight: it must import the whole runtime the
        notebooks use (and, with ``gpu``, see a GPU), so that a broken
        environment stops the grading instead of failing every student cell.
        """
        runner = start_runner(self._limits, self._isolation, self._gpu, self._python,
                              self._protect)
        self.isolation = runner.isolation
        self.tree_bounds = runner.tree_bounds
        self._runner = runner
        first = self.runtime is None
        # A uid of its own (root): empty what an earlier runner of that uid left in its
        # keyrings. Never under the caller's own uid, whose keyrings are the instructor's.
        request: dict[str, Any] = {"op": "hello", "seed": self._seed,
                                   "keyrings": runner.uid_lease is not None}
        if first:
            request |= {"imports": self._runtime_modules, "devices": self._gpu}
        try:
            reply = self._request(request, HELLO_SECONDS, within_budget=False)
        except RunnerFailure as exc:
            last = next((line.strip() for line in reversed(exc.log.splitlines())
                         if line.strip()), "")
            raise RunnerStartFailure(
                f"a fresh runner did not answer its first request ({exc}"
                + (f"; its last words: {last[:300]}" if last else "") + ")",
                hint="grade the reference solution with `course --debug grade` to see the "
                     "runner's log; check the sandbox, memory and the Python environment",
                log=exc.log) from None
        if not reply.get("ok"):
            error = reply.get("error") if isinstance(reply.get("error"), dict) else {}
            tail = _sanitize(runner.log_tail())
            self._runner = None
            runner.kill()
            kind = str(error.get("type", ""))[:100]
            raise RunnerStartFailure(
                "the runner cannot set up its runtime in the sandbox: "
                f"{kind}: {str(error.get('message', ''))[:500]}",
                hint="a runner uid's keyrings must be emptied before the next submission "
                     "runs under it; grade as root on a kernel whose keyctl works, or set "
                     "COURSE_RUNNER_UIDS to uids not used before (README, 'Trust model')"
                if kind == "KeyringError" else
                "install the course's packages (pip install -e .) for the runner's "
                "interpreter", log=tail)
        if first:
            self.runtime = _runtime_facts(reply)
            if self._gpu and not self.runtime.gpus:
                raise DeviceUnavailable(
                    "the gpu profile was asked for, but TensorFlow inside the sandbox sees "
                    "no GPU", hint="install the CUDA build of TensorFlow (README, 'GPU "
                                   "runners') or grade with --profile cpu")
        return runner

    def _execute(self, cell: Cell) -> Any:
        return self._request({"op": "execute", "source": cell.source,
                              "max_chars": self._limits.output_chars},
                             self._limits.cell_seconds)

    def _restart(self, cells: Sequence[Cell]) -> bool:
        """Start a fresh runner and replay ``cells`` silently; False if that failed."""
        if self._restarts >= _MAX_RESTARTS or self._budget_left() <= 0:
            return False
        self._restarts += 1
        self._runner = self._launch()
        try:
            for cell in cells:
                self._execute(cell)
        except RunnerFailure:
            return False
        return True

    def _ensure_running(self) -> None:
        if self._runner is not None and self._runner.process.poll() is None:
            return
        if self._runner is not None:
            self._runner.kill()
            self._runner = None
        if self._budget_left() <= 0:
            raise RunnerTimeout(
                "the submission's time budget is used up; remaining checks not run",
                f"đã hết {self._limits.submission_seconds} giây cho cả bài; các mục còn lại "
                "không được chạy")
        replay = [cell for cell in self._cells if cell.index not in self._skip]
        if not self._restart(replay):
            self._runner = None
            raise RunnerCrashed("the runner failed too many times; remaining checks not run",
                                "tiến trình chạy bài đã dừng quá nhiều lần; các mục còn lại "
                                "không được chạy")

    def _budget_left(self) -> float:
        return self._started_at + self._limits.submission_seconds - time.monotonic()

    def _request(self, message: dict[str, Any], seconds: int,
                 within_budget: bool = True) -> Any:
        runner = self._runner
        if runner is None or runner.process.stdin is None or runner.process.stdout is None:
            raise RunnerCrashed("the runner is not running", "tiến trình chạy bài không còn chạy")
        deadline = time.monotonic() + seconds
        if within_budget:
            deadline = min(deadline, self._started_at + self._limits.submission_seconds)
        request_id = secrets.token_hex(8)
        try:
            _write_before(runner.process.stdin, {**message, "id": request_id}, deadline)
            reply = read_message(_DeadlineReader(runner.process.stdout, deadline),  # type: ignore[arg-type]
                                 MAX_REPLY_BYTES)
        except RunnerTimeout as exc:
            raise self._fail(exc) from None
        except (OSError, ProtocolError) as exc:
            raise self._fail(self._exit_failure(exc)) from None
        if not isinstance(reply, dict) or reply.get("id") != request_id:
            # A frame the runner's loop did not write for this request: forged or
            # out of step. Nothing more from this process can be trusted in order.
            raise self._fail(RunnerCrashed(
                "the runner broke the protocol (reply out of step)",
                "tiến trình ghi dữ liệu lạ vào kênh liên lạc với bộ chấm"))
        return reply

    def _exit_failure(self, exc: Exception) -> RunnerFailure:
        runner = self._runner
        if runner is None:
            return RunnerCrashed(str(exc))
        try:
            code = runner.process.wait(timeout=2)
        except Exception:  # noqa: BLE001
            return RunnerCrashed(f"the runner stopped answering ({exc})",
                                 "tiến trình chạy bài ngừng trả lời")
        if code == -signal.SIGXCPU or code == 128 + signal.SIGXCPU:
            return RunnerTimeout("the runner used up its CPU time limit",
                                 "đã dùng hết thời gian CPU cho phép")
        # A plain child reports -N; bubblewrap reports 128 + N for its child's signal.
        signum = -code if code < 0 else code - 128 if 128 < code < 128 + 65 else 0
        if signum == signal.SIGKILL and runner.cgroup is not None and runner.cgroup.out_of_memory():
            bound = runner.cgroup.memory_mb
            return RunnerKilled(
                f"the kernel killed the runner: its sandbox went over {bound} MiB of memory "
                "for all its processes together",
                f"bài làm dùng quá {bound} MiB bộ nhớ (tính mọi tiến trình của nó cộng lại)")
        if signum:
            return RunnerKilled(f"the runner was killed by signal {signum}",
                                f"tiến trình bị tín hiệu {signum} buộc dừng")
        return RunnerCrashed(f"the runner exited with status {code}",
                             f"tiến trình chạy bài thoát với mã {code}")

    def _fail(self, exc: RunnerFailure) -> RunnerFailure:
        """Record a runner failure with the end of its stderr, then kill it."""
        tail = _sanitize(self._runner.log_tail()) if self._runner is not None else ""
        exc.log = tail
        note = f"{exc.status}: {exc}"
        self.failures.append(f"{note}; runner stderr (end): {tail}" if tail.strip() else note)
        if self._runner is not None:
            self._runner.kill()
            self._runner = None
        return exc


def _runtime_facts(reply: dict[str, Any]) -> RuntimeFacts:
    modules = reply.get("modules")
    gpus = reply.get("gpus")
    if not isinstance(modules, dict) or not isinstance(gpus, list):
        raise RunnerStartFailure("the runner's first answer is unreadable")
    return RuntimeFacts(str(reply.get("python", ""))[:50],
                        {str(k)[:50]: str(v)[:50] for k, v in list(modules.items())[:20]},
                        tuple(str(g)[:100] for g in gpus[:16]))


def _sanitize(text: str) -> str:
    """The end of a runner's log, fit for an instructor's terminal (no control characters)."""
    return _CONTROL.sub("?", text[-_LOG_TAIL_CHARS:])


def _failure_output(exc: RunnerFailure) -> dict[str, Any]:
    return {"output_type": "error", "ename": f"Runner{exc.status.value.capitalize()}",
            "evalue": exc.student, "traceback": []}


#: Display formats kept from student cells: none of them can run script where the
#: autograded notebook or the feedback is opened (the formgrader, the instructor's
#: browser). HTML, JavaScript, SVG, Markdown and widget data are dropped; a display
#: keeps its text/plain form, which every IPython display has.
INERT_MIME_TYPES = frozenset({"text/plain", "image/png", "image/jpeg"})


def _clean_outputs(outputs: Any, max_chars: int) -> list[dict[str, Any]]:
    """Keep only well-formed, inert nbformat outputs from a runner reply, re-capped here."""
    if not isinstance(outputs, list):
        return []
    budget = max_chars
    cleaned: list[dict[str, Any]] = []

    def text(value: Any) -> str:
        nonlocal budget
        full = str(value)
        kept = full[: max(budget, 0)]
        budget -= len(kept)
        return kept if len(kept) == len(full) else kept + _TRUNCATED

    for out in outputs[:200]:
        if not isinstance(out, dict):
            continue
        kind = out.get("output_type")
        if kind == "stream" and out.get("name") in ("stdout", "stderr"):
            cleaned.append({"output_type": "stream", "name": out["name"],
                            "text": text(out.get("text", ""))})
        elif kind in ("display_data", "execute_result") and isinstance(out.get("data"), dict):
            data = {str(k): text(v) for k, v in list(out["data"].items())[:10]
                    if isinstance(v, str) and k in INERT_MIME_TYPES}
            if not data:
                continue
            item: dict[str, Any] = {"output_type": kind, "data": data, "metadata": {}}
            if kind == "execute_result":
                item["execution_count"] = None
            cleaned.append(item)
        elif kind == "error":
            tb = out.get("traceback")
            cleaned.append({"output_type": "error", "ename": text(out.get("ename", ""))[:200],
                            "evalue": text(out.get("evalue", "")),
                            "traceback": [text(t) for t in tb[:50]] if isinstance(tb, list)
                            else []})
    return cleaned
