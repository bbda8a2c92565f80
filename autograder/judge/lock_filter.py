"""A seccomp filter for the runner: no file locks and no file-change notifications.

TRUSTED SIDE. Every runner sees the same read-only runtime (the interpreter,
the virtual environment, the engine). Read-only does not stop advisory locks:
two submissions graded at the same time can pass bits to each other by taking
and testing ``flock``/``fcntl`` locks on one shared file, or by watching a
shared folder with ``inotify`` while the other opens files in it. The
filter refuses those calls inside the sandbox, on every path (seccomp cannot
look at paths), with ``ENOSYS``, the answer of a file system without locking:
HDF5 (Keras' ``.weights.h5`` files) then carries on without its lock.

Refused: ``flock``; ``fcntl`` with ``F_GETLK``/``F_SETLK``/``F_SETLKW``, their
open-file-description forms and ``F_NOTIFY`` (dnotify); ``inotify_add_watch``.
A system call of another architecture (32-bit entry points on x86_64, the x32
ABI) is refused whatever it is, so the filter cannot be stepped around.
bubblewrap installs the filter (``--seccomp FD``) after the sandbox is set up,
so it binds the runner and everything it starts. Linux on x86_64 and aarch64
only; elsewhere :func:`lock_filter` returns ``None`` and the sandbox runs
without it (the runner's log says so).
"""

from __future__ import annotations

import errno
import platform
import struct

__all__ = ["REFUSED_FCNTL_COMMANDS", "lock_filter"]

# Classic BPF, as seccomp reads it (linux/filter.h, linux/seccomp.h).
_LD_W_ABS, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_NR, _ARCH, _ARG1_LOW = 0, 4, 24  # offsets in struct seccomp_data (little-endian)
_X32_BIT = 0x40000000

#: Architecture (AUDIT_ARCH_*) and system call numbers, per machine.
_SYSCALLS = {
    "x86_64": (0xC000003E, {"flock": 73, "fcntl": 72, "inotify_add_watch": 254}),
    "aarch64": (0xC00000B7, {"flock": 32, "fcntl": 25, "inotify_add_watch": 27}),
}

#: fcntl commands refused: F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK,
#: F_OFD_SETLKW, F_NOTIFY (the same numbers on both architectures).
REFUSED_FCNTL_COMMANDS = (5, 6, 7, 36, 37, 38, 1026)


def _op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
    return struct.pack("<HBBI", code, jt, jf, k)


def lock_filter(machine: str | None = None) -> bytes | None:
    """The filter program for ``machine`` (default: this one), or ``None`` if unsupported."""
    entry = _SYSCALLS.get(machine or platform.machine())
    if entry is None:
        return None
    arch, numbers = entry
    first_command = 8  # index of the first fcntl command test below
    allow = first_command + len(REFUSED_FCNTL_COMMANDS)
    refuse = allow + 1

    def to(target: int, index: int) -> int:
        """A jump offset: BPF counts from the instruction after ``index``."""
        return target - index - 1

    program = [
        _op(_LD_W_ABS, _ARCH),                                          # 0
        _op(_JEQ_K, arch, 0, to(refuse, 1)),                            # 1 another ABI
        _op(_LD_W_ABS, _NR),                                            # 2
        _op(_JGE_K, _X32_BIT, to(refuse, 3), 0),                        # 3 x32
        _op(_JEQ_K, numbers["flock"], to(refuse, 4), 0),                # 4
        _op(_JEQ_K, numbers["inotify_add_watch"], to(refuse, 5), 0),    # 5
        _op(_JEQ_K, numbers["fcntl"], 0, to(allow, 6)),                 # 6
        _op(_LD_W_ABS, _ARG1_LOW),                                      # 7 fcntl's command
        *(_op(_JEQ_K, command, to(refuse, first_command + i), 0)
          for i, command in enumerate(REFUSED_FCNTL_COMMANDS)),
        _op(_RET_K, _RET_ALLOW),                                        # allow
        _op(_RET_K, _RET_ERRNO | errno.ENOSYS),                         # refuse
    ]
    return b"".join(program)
