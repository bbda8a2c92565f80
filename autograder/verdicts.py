"""The statuses a check or a notebook cell can end with, in one place.

A check's :class:`Status` is its verdict. Only ``passed`` earns points; the
others say why the points were lost, and every one of them except
``grader-error`` is the submission's doing. A ``grader-error`` marks the check
where a grading fault happened: the report then carries the fault and is never
turned into a score (see :mod:`autograder.errors`).

The Vietnamese texts here are what a student reads after the check's own
summary line.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["RUNNER_FAILURES", "CellStatus", "Status", "student_message"]


class Status(StrEnum):
    """Verdict of one hidden check."""

    PASSED = "passed"              # the check's assertions held
    FAILED = "failed"              # an assertion failed: the answer is wrong
    ERROR = "error"                # student code raised while the check probed it
    TIMEOUT = "timeout"            # the runner ran past a wall-clock or CPU limit
    OOM = "oom"                    # the runner ran out of memory
    CRASHED = "crashed"            # the runner exited or broke the protocol
    KILLED = "killed"              # a signal the grader did not send killed the runner
    POLICY = "policy"              # the check's cell breaks the source policy (not run)
    GRADER_ERROR = "grader-error"  # a grading fault hit this check: no score is given


class CellStatus(StrEnum):
    """What happened when the runner executed one notebook cell."""

    OK = "ok"
    NOT_RUN = "not-run"  # the runner failed too often before this cell's turn
    TIMEOUT = "timeout"
    OOM = "oom"
    CRASHED = "crashed"
    KILLED = "killed"
    POLICY = "policy"  # the judge refused to run it: it breaks the source policy


#: Statuses of a runner that stopped answering because of the submission.
RUNNER_FAILURES = frozenset({Status.TIMEOUT, Status.OOM, Status.CRASHED, Status.KILLED})

_MESSAGES = {
    Status.ERROR: "Mã của bạn gây lỗi khi bộ chấm gọi nó: {detail}",
    Status.TIMEOUT: "Hết thời gian cho phép khi chạy mã của bạn ({detail}).",
    Status.OOM: "Mã của bạn dùng quá nhiều bộ nhớ ({detail}).",
    Status.CRASHED: "Tiến trình chạy bài của bạn bị dừng đột ngột ({detail}).",
    Status.KILLED: "Tiến trình chạy bài của bạn bị hệ điều hành buộc dừng ({detail}).",
    Status.POLICY: "Mã của bạn vi phạm quy tắc mã nguồn của khóa học (xem phần giới thiệu "
                   "của notebook), nên mục này không được chấm: {detail}",
    Status.GRADER_ERROR: "Bộ chấm gặp lỗi nội bộ ở mục này (không phải lỗi của bạn); bài chưa "
                         "được chấm, giảng viên sẽ chấm lại.",
}


def student_message(status: Status, detail: str = "") -> str:
    """The Vietnamese reason a check with ``status`` lost its points (empty for pass/fail)."""
    template = _MESSAGES.get(status, "")
    return template.format(detail=detail) if template else ""
