"""No lockable state between sandboxes: a runner cannot take a file lock or watch a folder,
so two submissions graded at once cannot signal each other through the shared runtime."""

from __future__ import annotations

import struct

import pytest

from autograder.config import Limits
from autograder.judge.lock_filter import REFUSED_FCNTL_COMMANDS, lock_filter

from grading_helpers import run_one_cell

#: What a submission would use to pass bits to another one graded at the same time: a lock
#: on a file every runner sees (the interpreter), tested or taken, or a watch on a shared
#: folder. Each line says "taken" or "refused <errno>".
_TRY_LOCKS = '''
import ctypes, errno, fcntl, os, struct, sys

shared = os.path.realpath(sys.executable)
results = []

def attempt(name, call):
    try:
        call()
        results.append(name + " taken")
    except OSError as exc:
        results.append(name + " refused " + errno.errorcode.get(exc.errno, str(exc.errno)))

with open(shared, "rb") as handle:
    attempt("flock", lambda: fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB))
    read_lock = struct.pack("hhqqi", fcntl.F_RDLCK, 0, 0, 0, 0)
    attempt("posix", lambda: fcntl.fcntl(handle, fcntl.F_SETLK, read_lock))
    attempt("test", lambda: fcntl.fcntl(handle, fcntl.F_GETLK, read_lock))
    attempt("ofd", lambda: fcntl.fcntl(handle, 37, struct.pack("hhqqi", fcntl.F_RDLCK, 0, 0, 0, 0)))
libc = ctypes.CDLL(None, use_errno=True)
watcher = libc.inotify_init1(0)
def watch():
    if libc.inotify_add_watch(watcher, os.path.dirname(shared).encode(), 0x20) < 0:
        raise OSError(ctypes.get_errno(), "inotify_add_watch")
attempt("inotify", watch)

import h5py, numpy as np
with h5py.File("/tmp/weights.h5", "w") as out:
    out["x"] = np.arange(3)
with h5py.File("/tmp/weights.h5", "r") as back:
    results.append("h5py " + ",".join(str(v) for v in back["x"][()]))
print("\\n".join(results))
'''


def test_the_filter_is_a_whole_bpf_program_for_each_supported_machine():
    for machine in ("x86_64", "aarch64"):
        program = lock_filter(machine)
        assert program is not None
        assert len(program) % 8 == 0
        # load arch, check it, load nr, x32, flock, inotify, fcntl, load cmd, the commands,
        # allow, refuse
        assert len(program) // 8 == 10 + len(REFUSED_FCNTL_COMMANDS)
        code, _, _, k = struct.unpack("<HBBI", program[-8:])
        assert (code, k) == (0x06, 0x00050000 | 38)  # the last instruction returns ENOSYS
    assert lock_filter("sparc64") is None


@pytest.mark.skipif(lock_filter() is None, reason="no seccomp program for this machine")
def test_a_runner_can_take_no_file_lock_and_watch_no_folder_but_hdf5_still_works():
    limits = Limits(cell_seconds=20, probe_seconds=5, submission_seconds=60)
    lines = run_one_cell(_TRY_LOCKS, limits).split("\n")
    for name in ("flock", "posix", "test", "ofd", "inotify"):
        assert f"{name} refused ENOSYS" in lines, lines
    assert "h5py 0,1,2" in lines, lines
