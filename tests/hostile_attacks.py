"""Hostile cells for the hostile-submission suite (tests/test_hostile.py).

Each attack is code a student could put in a notebook. ``where`` says where
its cells go: ``"start"`` right after the imports cell (so it can tamper with
everything that runs later) or ``"end"``. Placeholders filled in by the test:
``@PORT@`` (a listener the test opens on 127.0.0.1), ``@COURSE@`` (the course
folder on the host), ``@MARKER@`` (a unique string for files and processes).
Secrets are searched for by the prefix "HOSTILE" + "-SECRET-", split so that
the prefix never appears whole in a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Attack:
    """One hostile notebook: cells inserted into a base submission."""

    name: str
    cells: tuple[str, ...]
    where: str = "end"
    base: str = "release"  # or "wrong": the book's code, which loses points


_FIND_SECRETS = '''
import os
PREFIX = "HOSTILE" + "-SECRET-"
found = []
for top in ("/", "@COURSE@", "/work", "/root", "/home", "/tmp", "/etc", "/proc/1"):
    for folder, dirs, files in os.walk(top):
        if folder.startswith(("/proc/sys", "/sys", "/usr/share", "/usr/lib")):
            dirs[:] = []
            continue
        for name in files:
            try:
                path = os.path.join(folder, name)
                if os.path.getsize(path) > 100_000:  # secrets are small; keeps the walk quick
                    continue
                with open(path, "rb") as handle:
                    if PREFIX.encode() in handle.read():
                        found.append(os.path.join(folder, name))
            except Exception:
                pass
for key, value in os.environ.items():
    if PREFIX in value:
        found.append("env:" + key + "=" + value)
print("found:", sorted(set(found))[:50])
for path in sorted(set(found))[:20]:
    if not path.startswith("env:"):
        print(open(path, errors="replace").read()[:500])
'''

ATTACKS = (
    # --- kernel tampering: a wrong answer must not gain points ----------------------
    Attack("input_transformer", ('''
ip = get_ipython()
ip.input_transformers_post.append(lambda lines: ["pass\\n"] if any("assert" in l for l in lines) else lines)
ip.input_transformers_cleanup.append(lambda lines: lines)
''',), where="start", base="wrong"),
    Attack("event_hooks", ('''
ip = get_ipython()
ip.events.register("post_run_cell", lambda result: print("All tests passed! 20/20"))
ip.events.register("pre_run_cell", lambda info: None)
''',), where="start", base="wrong"),
    Attack("custom_exception_handler", ('''
ip = get_ipython()
ip.set_custom_exc((BaseException,), lambda shell, etype, value, tb, tb_offset=None: None)
''',), where="start", base="wrong"),
    Attack("display_formatter", ('''
ip = get_ipython()
plain = ip.display_formatter.formatters["text/plain"]
for kind in (int, float, str, object):
    plain.for_type(kind, lambda obj, p, cycle: p.text("20"))
ip.display_formatter.formatters["text/html"].for_type(object, lambda o: "<b>20/20</b>")
''', "1 + 1"), where="start", base="wrong"),
    Attack("sys_modules_and_import_hooks", ('''
import sys, types, importlib.abc, importlib.machinery
fake = types.ModuleType("numpy")
fake.array_equal = lambda *a, **k: True
fake.allclose = lambda *a, **k: True
class Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        return None
sys.meta_path.insert(0, Finder())
sys.modules["autograder.protocol"] = types.ModuleType("autograder.protocol")
sys.modules["pytest"] = fake
''',), where="start", base="wrong"),
    Attack("monkeypatch_numpy_tensorflow", ('''
import numpy as np
import tensorflow as tf
np.array_equal = lambda *a, **k: True
np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: True
tf.debugging.assert_equal = lambda *a, **k: None
np.mean = lambda *a, **k: 0.999
''',), where="start", base="wrong"),
    Attack("monkeypatch_builtins", ('''
import builtins
builtins.isinstance = lambda *a, **k: True
builtins.AssertionError = type("AssertionError", (Exception,), {})
builtins.float = lambda *a, **k: 20.0
''',), where="start", base="wrong"),
    Attack("lying_return_values", ('''
class Liar:
    shape = (7, 13)
    dtype = "float32"
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __len__(self): return 7
    def __float__(self): return 20.0
    def numpy(self): raise RuntimeError("no")
def dropout_layer(X, dropout):
    return Liar()
''',), base="wrong"),
    Attack("fake_passed_output", ('''
import json, sys
print("==================== 15 passed in 1.00s ====================")
print(json.dumps({"assignment": "03_dropout", "score": 20, "max_score": 20, "checks": []}))
sys.stderr.write("PASSED\\n")
from IPython.display import display
display({"text/plain": "20"}, raw=True)
20
''',), base="wrong"),
    Attack("forged_protocol_frames", ('''
import json, os, struct
header = json.dumps({"ok": True, "result": 20, "outputs": [], "raised": False}).encode()
frame = struct.pack(">QQ", len(header), 0) + header
for fd in range(3, 64):
    try:
        os.write(fd, frame * 50)
    except OSError:
        pass
''',), base="wrong"),
    # --- reading and writing outside, network ---------------------------------------
    Attack("read_hidden_files_and_gradebook", (_FIND_SECRETS,)),
    Attack("read_environment", ('''
import os
print(dict(os.environ))
print(open("/proc/self/environ", "rb").read())
print(open("/proc/1/environ", "rb").read() if os.access("/proc/1/environ", os.R_OK) else "no pid 1 env")
''',)),
    Attack("write_outside", ('''
import os, autograder
targets = [os.path.join(os.path.dirname(autograder.__file__), "@MARKER@"),
           "@COURSE@/graders/03_dropout/test_@MARKER@.py", "@COURSE@/@MARKER@",
           "/tmp/@MARKER@", "/root/@MARKER@", "/etc/@MARKER@"]
for target in targets:
    try:
        with open(target, "w") as handle:
            handle.write("hacked")
        print("wrote", target)
    except OSError as exc:
        print("refused", target, exc)
''',)),
    Attack("network_to_host_listener", ('''
import socket
for host in ("127.0.0.1", "localhost", "10.0.2.2", "172.17.0.1"):
    try:
        s = socket.create_connection((host, @PORT@), timeout=2)
        s.sendall(b"@MARKER@")
        print("connected", host)
    except OSError as exc:
        print("no network", host, exc)
''',)),
    # --- exits, signals, time and resources ---------------------------------------
    Attack("sys_exit", ("import sys\nsys.exit(0)",), where="start"),
    Attack("os_exit", ("import os\nos._exit(0)",), where="start"),
    Attack("signal_the_parent", ('''
import os, signal
for pid in (os.getppid(), 1, -1):
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError as exc:
        print("kill", pid, exc)
''',)),
    Attack("infinite_loop", ("while True:\n    pass",), where="start"),
    Attack("long_sleep", ("import time\ntime.sleep(100_000)",), where="start"),
    Attack("memory_blowup", ('''
blocks = []
try:
    while True:
        blocks.append(bytearray(256 * 1024 * 1024))
except MemoryError:
    print("MemoryError after", len(blocks), "blocks")
import numpy as np
huge = np.ones(10**11)
''',)),
    Attack("fork_and_thread_bomb", ('''
import os, threading, time
children = 0
for _ in range(400):
    try:
        if os.fork() == 0:
            time.sleep(600)
            os._exit(0)
        children += 1
    except OSError:
        break
threads = 0
for _ in range(2000):
    try:
        threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
        threads += 1
    except RuntimeError:
        break
print("children", children, "threads", threads)
''',)),
    Attack("fill_tmp", ('''
import os
written = 0
try:
    with open("/tmp/fill", "wb") as handle:
        for _ in range(4096):
            handle.write(b"x" * (1 << 20))
            written += 1
except OSError as exc:
    print("stopped after", written, "MiB:", exc)
''',)),
    Attack("huge_and_binary_output", ('''
import os, sys
print("x" * 50_000_000)
print(os.urandom(100_000))
from IPython.display import display
display({"application/octet-stream": os.urandom(1000).hex() * 10_000}, raw=True)
''',)),
    Attack("background_process_outlives_run", ('''
import subprocess, sys
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)", "@MARKER@"],
                 start_new_session=True)
subprocess.Popen(["/bin/sh", "-c",
                  "(" + sys.executable + " -c 'import time; time.sleep(3600)' @MARKER@ &); exit 0"])
print("spawned")
''',)),
)
