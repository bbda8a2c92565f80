"""Each running runner is a uid of its own: no process count, keyring or signal is shared."""

from __future__ import annotations

import os
import platform

import pytest

from autograder.config import Limits
from autograder.errors import IsolationUnavailable
from autograder.judge.client import Cell, RunnerClient
from autograder.judge.runner_ids import DEFAULT_FIRST_UID, lease_uid, uid_range

from grading_helpers import run_one_cell


def test_leases_are_exclusive_round_robin_and_reusable(tmp_path):
    """Two live leases never share a uid; the next lease takes the next free uid (reuse as
    late as possible); a full range is refused with what to do; a released uid is free."""
    uids = range(5000, 5003)
    first, second = lease_uid(uids, tmp_path), lease_uid(uids, tmp_path)
    assert (first.uid, second.uid) == (5000, 5001)
    first.release()
    third = lease_uid(uids, tmp_path)
    assert third.uid == 5002  # not 5000, freed a moment ago
    fourth = lease_uid(uids, tmp_path)
    assert fourth.uid == 5000
    with pytest.raises(IsolationUnavailable, match="all 3 runner uids"):
        lease_uid(uids, tmp_path)
    for lease in (second, third, fourth):
        lease.release()


def test_the_range_is_configurable_and_checked():
    assert uid_range({})[0] == DEFAULT_FIRST_UID
    assert uid_range({"COURSE_RUNNER_UIDS": "4000000000-4000000009"}) == range(
        4_000_000_000, 4_000_000_010)
    with pytest.raises(IsolationUnavailable, match="not a range"):
        uid_range({"COURSE_RUNNER_UIDS": "many"})
    with pytest.raises(IsolationUnavailable, match="outside"):
        uid_range({"COURSE_RUNNER_UIDS": "0-10"})
    with pytest.raises(IsolationUnavailable, match="belongs to the account 'nobody'"):
        uid_range({"COURSE_RUNNER_UIDS": "65534-65534"})
    with pytest.raises(IsolationUnavailable, match="belongs to the account 'nobody'"):
        uid_range({"COURSE_RUNNER_UIDS": "65000-66000"})  # inside the range, not at an end


@pytest.mark.skipif(os.geteuid() != 0, reason="per-runner uids need root (README, Trust "
                    "model): as another user bubblewrap maps the sandbox to the caller")
def test_two_runners_at_once_run_as_two_uids_of_the_range():
    """Two submissions graded at the same time never share a uid, and neither is nobody."""
    limits = Limits(cell_seconds=10, probe_seconds=5, submission_seconds=60)
    cell = [Cell(0, "import os\nprint(os.getuid(), os.getgid())")]
    clients = [RunnerClient(cell, limits, runtime_modules=()) for _ in range(2)]
    try:
        outputs = [client.start()[0].outputs[0]["text"].split() for client in clients]
    finally:
        for client in clients:
            client.close()
    uids = [int(uid) for uid, gid in outputs if uid == gid]
    assert len(set(uids)) == 2
    assert all(uid in uid_range() for uid in uids)


_HOLD_THREADS = """
import threading, time
stop = threading.Event()
threads = [threading.Thread(target=stop.wait, daemon=True) for _ in range({n})]
for t in threads:
    t.start()
print("holding", len(threads))
"""


@pytest.mark.skipif(os.geteuid() != 0, reason="per-runner uids need root")
def test_one_submissions_threads_do_not_count_against_another():
    """RLIMIT_NPROC counts a uid's processes and threads: with one uid per runner, a
    submission that holds most of its allowance leaves a concurrent one its whole share
    (with a shared uid, the second runner could not start its threads)."""
    limits = Limits(cell_seconds=20, probe_seconds=5, submission_seconds=60, max_processes=64)
    hog = RunnerClient([Cell(0, _HOLD_THREADS.format(n=50))], limits, runtime_modules=())
    other = RunnerClient([Cell(0, _HOLD_THREADS.format(n=40))], limits, runtime_modules=())
    try:
        held = hog.start()[0]
        ran = other.start()[0]
    finally:
        hog.close()
        other.close()
    assert not held.raised, held.outputs
    assert not ran.raised, ran.outputs
    assert "holding 40" in ran.outputs[0]["text"]


_KEYCTL = """
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
ADD_KEY, KEYCTL, SEARCH, GET_ID, GET_PERSISTENT = 248, 250, 10, 0, 22
USER, USER_SESSION, SESSION = -4, -5, -3

def call(*args):
    args = [ctypes.c_char_p(a) if isinstance(a, bytes) else ctypes.c_long(a) for a in args]
    result = libc.syscall(*args)
    return result if result >= 0 else "error " + os.strerror(ctypes.get_errno())

persistent = call(KEYCTL, GET_PERSISTENT, -1, SESSION)
"""

_LEAVE_ANSWERS = _KEYCTL + """
for ring in (USER, USER_SESSION, persistent):
    print("stored", call(ADD_KEY, b"user", b"answer", b"20/20", 5, ring))
"""

_LOOK_FOR_ANSWERS = _KEYCTL + """
print("found", [call(KEYCTL, SEARCH, ring, b"user", b"answer", 0)
                for ring in (USER, USER_SESSION, persistent)])
print("session", call(KEYCTL, GET_ID, SESSION, 0))
"""


def _session_keyring_of_this_process() -> int:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    return int(libc.syscall(ctypes.c_long(250), ctypes.c_long(0), ctypes.c_long(-3),
                            ctypes.c_long(1)))


@pytest.mark.skipif(os.geteuid() != 0, reason="per-runner uids need root")
@pytest.mark.skipif(platform.machine() != "x86_64", reason="the attacking cell uses x86_64's "
                    "add_key/keyctl system call numbers")
def test_the_next_runner_of_a_uid_finds_nothing_left_in_its_keyrings(monkeypatch):
    """A submission stores an answer in its uid's user, user-session and persistent
    keyrings; the next runner leased the same uid (a range of one) finds none of them, and
    its session keyring is a new one, not the judge's."""
    monkeypatch.setenv("COURSE_RUNNER_UIDS", "3000000999-3000000999")
    limits = Limits(cell_seconds=10, probe_seconds=5, submission_seconds=60)
    stored, found = (run_one_cell(cell, limits) for cell in (_LEAVE_ANSWERS, _LOOK_FOR_ANSWERS))
    assert stored.count("stored ") == 3, stored
    assert "error" not in stored, stored
    assert found.count("error Required key not available") == 3, found
    session = int(found.split("session ")[1].split()[0])
    assert session != _session_keyring_of_this_process()
