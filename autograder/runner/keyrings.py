"""Fresh kernel keyrings for a runner, before any student code runs.

UNTRUSTED SIDE, but run at ``hello``, before the first student cell of this
process. The kernel keeps a user keyring, a user-session keyring and a
persistent keyring per uid, and they outlive the processes that filled them.
A runner's uid is leased to one runner at a time (``judge/runner_ids.py``),
but the range comes round again: without this step, a submission could leave
its answers in its uid's user keyring and a later submission graded under the
same uid could read them. A process also inherits its parent's session
keyring (here the judge's, so the instructor's login session's).

So a runner with a leased uid, first of all, joins a new anonymous session
keyring and empties the three per-uid keyrings, first giving the owner back
full permissions where the keyring lets it (the user keyrings do; the
persistent keyring lets nobody change its permissions, nor take away its
write permission). A submission that managed to make a keyring unclearable
does not get it read by the next one: the runner raises :class:`KeyringError`
and the judge stops with a grading fault instead of grading. Only the judge decides that
this is safe: under a shared uid (no root, bubblewrap maps the sandbox to the
instructor's own uid) it would wipe the instructor's keys, so the runner does
it only when the ``hello`` request asks for it.

This is the system call itself (``keyctl(2)`` through libc's ``syscall``): the
keyutils library is not part of a Python environment.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import platform

__all__ = ["KeyringError", "fresh_keyrings"]

#: ``keyctl`` system call numbers (asm/unistd.h) of the architectures the course runs on.
_SYS_KEYCTL = {"x86_64": 250, "aarch64": 219, "arm64": 219}

_KEYCTL_JOIN_SESSION_KEYRING = 1
_KEYCTL_SETPERM = 5
_KEYCTL_CLEAR = 7
_KEYCTL_GET_PERSISTENT = 22
_KEY_SPEC_SESSION_KEYRING = -3
_KEY_SPEC_USER_KEYRING = -4
_KEY_SPEC_USER_SESSION_KEYRING = -5
#: possessor and owner: view, read, write, search, link, setattr (KEY_POS_ALL | KEY_USR_ALL).
_OWNER_ALL = 0x3F3F0000
#: The kernel has no keyrings at all (or a seccomp filter refuses them to everyone).
_NO_KEYRINGS = {errno.ENOSYS, errno.EOPNOTSUPP}


class KeyringError(RuntimeError):
    """A keyring the previous runner of this uid could have filled could not be emptied."""


def fresh_keyrings() -> str:
    """Join a new session keyring and empty this uid's own keyrings.

    Returns:
        ``"fresh"``, or why there is nothing to empty (``"no keyrings: ..."``: the
        kernel offers none, so no submission can leave anything in one either).

    Raises:
        KeyringError: a keyring exists but could not be emptied (grading must stop:
            the next submission would find what the last one left).
    """
    number = _SYS_KEYCTL.get(platform.machine())
    if number is None:
        raise KeyringError(f"no keyctl system call number is known for {platform.machine()}; "
                           "add it to autograder/runner/keyrings.py (asm/unistd.h)")
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long

    def keyctl(operation: int, *args: int) -> int:
        result = int(libc.syscall(ctypes.c_long(number), ctypes.c_long(operation),
                                  *(ctypes.c_long(a) for a in args)))
        if result < 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code))
        return result

    try:
        keyctl(_KEYCTL_JOIN_SESSION_KEYRING, 0)  # NULL name: a new anonymous keyring
    except OSError as exc:
        if exc.errno in _NO_KEYRINGS:
            return f"no keyrings: {exc.strerror}"
        raise KeyringError(f"cannot join a new session keyring: {exc.strerror}") from None
    rings = [("user", _KEY_SPEC_USER_KEYRING), ("user session", _KEY_SPEC_USER_SESSION_KEYRING)]
    try:
        persistent = keyctl(_KEYCTL_GET_PERSISTENT, -1, _KEY_SPEC_SESSION_KEYRING)
    except OSError as exc:
        if exc.errno not in _NO_KEYRINGS:  # a kernel built without persistent keyrings
            raise KeyringError(f"cannot reach the persistent keyring: {exc.strerror}") from None
    else:
        rings.append(("persistent", persistent))
    for name, ring in rings:
        # The persistent keyring never grants setattr (nor can a submission take away its
        # write permission); the user keyrings do, and a submission may have used it.
        with contextlib.suppress(PermissionError):
            keyctl(_KEYCTL_SETPERM, ring, _OWNER_ALL)
        try:
            keyctl(_KEYCTL_CLEAR, ring)
        except OSError as exc:
            raise KeyringError(f"cannot empty the {name} keyring: {exc.strerror}") from None
    return "fresh"
