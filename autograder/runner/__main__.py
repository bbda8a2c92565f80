"""Runner entry point: ``python -m autograder.runner``.

UNTRUSTED SIDE. This process executes student code. It is started by the judge
(inside the OS sandbox where one is available), speaks only the framed protocol
of ``autograder.protocol`` on the pipes it was given as stdin and stdout, and
knows nothing of graders, hidden labels or reference solutions: everything it
learns arrives in requests.

Requests and replies (one frame each)::

    {"op": "hello", "seed": int | None, "imports": [str], "devices": bool, "keyrings": bool}
        -> {"ok": true, "python": str, "modules": {name: version}, "gpus": [str],
            "keyrings": str}
    {"op": "execute", "source": str, "max_chars": int}
        -> {"ok": true, "outputs": [nbformat outputs], "raised": bool}
    {"op": "probe", "name": str, "params": {...}}
        -> {"ok": true, "result": ...}
         | {"ok": false, "error": {"type": str, "message": str}}
    {"op": "shutdown"} -> process exits

Every request carries an ``id`` that its reply repeats, so the judge can tell
the loop's own replies from frames that student code writes to the pipe.

``hello`` comes first, before any student code runs: it proves the runtime
works in the sandbox (the judge treats a runner that cannot answer it as a
fault of the grading machine, never of the student), empties the kernel
keyrings of the runner's uid when the judge says the uid is this runner's own
(``keyrings``, see ``keyrings.py``), and seeds Python, NumPy and TensorFlow
with the grading seed, so that a regrade with the same seed replays the same
student randomness.
"""

from __future__ import annotations

import importlib
import os
import random
import sys
from typing import IO, Any

from autograder.protocol import ProtocolError, read_message, write_message
from autograder.runner.keyrings import fresh_keyrings

#: The judge sends training data, so requests may be large; replies are capped by the judge.
MAX_REQUEST_BYTES = 1024 * 1024 * 1024


def _claim_protocol_pipes() -> tuple[IO[bytes], IO[bytes]]:
    """Keep stdin/stdout for the protocol and point fds 0-2 elsewhere.

    Student code that prints, or C++ libraries that log to fd 1 or 2, then
    cannot interleave bytes with protocol frames by accident.
    """
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # fd 2 goes wherever the launcher sent it (a capped log)
    os.close(devnull)
    return requests, replies


def _error(exc: BaseException) -> dict[str, Any]:
    return {"ok": False, "error": {"type": type(exc).__name__, "message": str(exc)[:2000]}}


def _hello(request: dict[str, Any]) -> dict[str, Any]:
    """Empty the uid's keyrings if asked, import the requested modules, seed every
    generator, report versions and devices."""
    keyrings = fresh_keyrings() if request.get("keyrings") else "kept"
    modules = {}
    for name in request.get("imports") or []:
        module = importlib.import_module(str(name))
        modules[str(name)] = str(getattr(module, "__version__", ""))
    seed = request.get("seed")
    if seed is not None:
        import keras
        import numpy as np

        random.seed(int(seed))
        np.random.seed(int(seed) % 2**32)
        keras.utils.set_random_seed(int(seed) % 2**32)
    gpus: list[str] = []
    if request.get("devices"):
        import tensorflow as tf

        gpus = [device.name for device in tf.config.list_physical_devices("GPU")]
    return {"ok": True, "python": sys.version.split()[0], "modules": modules, "gpus": gpus,
            "keyrings": keyrings}


def serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    """Answer requests until ``shutdown`` or the end of the request stream."""
    from autograder.runner.probes import PROBES
    from autograder.runner.shell import NotebookShell

    shell = NotebookShell.instance()
    shell.route_std_streams()  # before `hello` imports TensorFlow and its logger
    while True:
        try:
            request = read_message(requests, MAX_REQUEST_BYTES)
        except ProtocolError:
            return
        op = request.get("op") if isinstance(request, dict) else None
        request_id = request.get("id") if isinstance(request, dict) else None
        if op == "shutdown":
            return
        if op == "hello":
            try:
                reply: dict[str, Any] = _hello(request)
            except Exception as exc:  # noqa: BLE001 - reported to the judge as a start failure
                reply = _error(exc)
        elif op == "execute":
            outputs, raised = shell.run_notebook_cell(str(request["source"]),
                                                      int(request["max_chars"]))
            reply = {"ok": True, "outputs": outputs, "raised": raised}
        elif op == "probe" and request.get("name") in PROBES:
            try:
                result = PROBES[request["name"]](shell.user_ns, **request.get("params", {}))
                reply = {"ok": True, "result": result}
            except BaseException as exc:  # noqa: BLE001 - student code may raise anything
                if isinstance(exc, KeyboardInterrupt):
                    raise
                reply = _error(exc)
        else:
            reply = _error(ValueError(f"unknown request. Received: op={op!r}"))
        reply["id"] = request_id
        try:
            write_message(replies, reply)
        except ProtocolError as exc:  # a student value JSON cannot carry
            write_message(replies, {**_error(exc), "id": request_id})


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("MPLBACKEND", "Agg")
    requests, replies = _claim_protocol_pipes()
    serve(requests, replies)
    sys.exit(0)


if __name__ == "__main__":
    main()
