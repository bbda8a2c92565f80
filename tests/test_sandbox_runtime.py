"""The sandbox starts a runner wherever the course's Python lives, and never shows the course.

Each test builds a real interpreter layout in a temporary folder (a virtualenv
under /tmp, a path with spaces, a checkout behind a symlink, a virtualenv with
system site-packages, the system Python itself), starts a runner with it in
bubblewrap and asks the runner which interpreter it is. The virtualenvs get
this environment's packages through a ``.pth`` line, so nothing is downloaded.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from autograder.config import Limits
from autograder.errors import IsolationUnavailable, RunnerStartFailure
from autograder.judge.client import Cell, RunnerClient
from autograder.judge.runtime import ENGINE_MOUNT, runtime_for

LIMITS = Limits(cell_seconds=20, probe_seconds=20, submission_seconds=120)
#: The site-packages folder this test runs from (numpy, IPython and the rest live there).
PACKAGES = Path(np.__file__).resolve().parents[1]
BASE_PYTHON = Path(sys.base_prefix) / "bin" / "python{}.{}".format(*sys.version_info[:2])

REPORT = (
    "import os, sys\n"
    "import numpy, IPython, autograder\n"
    "def where():\n"
    "    return {'prefix': sys.prefix, 'executable': sys.executable,\n"
    "            'engine': autograder.__file__, 'sum': int(numpy.arange(4).sum())}\n"
    "def sees(path):\n"
    "    return os.path.exists(path)\n"
)


def make_venv(folder: Path, system_site: bool = False, extra_path: tuple[Path, ...] = ()) -> Path:
    """A virtualenv in ``folder`` that finds this environment's packages via a .pth file."""
    flags = ["--without-pip", *(["--system-site-packages"] if system_site else [])]
    subprocess.run([str(BASE_PYTHON), "-m", "venv", *flags, str(folder)], check=True)
    site = next(folder.glob("lib/python*/site-packages"))
    lines = [str(PACKAGES), *(str(p) for p in extra_path)]
    (site / "course_test_packages.pth").write_text("\n".join(lines) + "\n")
    return folder / "bin" / "python"


def started(python: Path | str, protect=()) -> RunnerClient:
    """A client whose runner, started with ``python``, executed the REPORT cell."""
    client = RunnerClient([Cell(0, REPORT)], LIMITS, python=str(python), protect=protect,
                          runtime_modules=("numpy", "IPython"))
    client.start()
    assert not any(run.raised for run in client.cell_runs), client.cell_runs
    return client


def where(python: Path | str) -> dict:
    """What a runner started with ``python`` says about its interpreter."""
    with started(python) as client:
        return client.call("where")


def test_virtualenv_under_tmp_with_spaces(tmp_path):
    """A virtualenv under /tmp, in a folder whose name has spaces, runs the runner (the
    sandbox's fresh /tmp must not hide it)."""
    assert str(tmp_path).startswith("/tmp/")
    python = make_venv(tmp_path / "khóa học 2026" / ".venv")
    facts = where(python)
    assert facts["prefix"] == str(tmp_path / "khóa học 2026" / ".venv")
    assert facts["executable"] == str(python)
    assert facts["engine"].startswith(ENGINE_MOUNT + "/autograder/")
    assert facts["sum"] == 6


def test_checkout_behind_a_symlink(tmp_path):
    """An interpreter reached through a symlinked folder runs at the path it was given."""
    real = tmp_path / "real checkout"
    make_venv(real / ".venv")
    (tmp_path / "link").symlink_to(real)
    python = tmp_path / "link" / ".venv" / "bin" / "python"
    facts = where(python)
    assert facts["prefix"] == str(tmp_path / "link" / ".venv")
    assert facts["sum"] == 6


def test_virtualenv_with_system_site_packages(tmp_path):
    """A virtualenv created with --system-site-packages also sees the base site-packages."""
    python = make_venv(tmp_path / "venv", system_site=True)
    facts = where(python)
    assert facts["prefix"] == str(tmp_path / "venv")
    base_site = next(Path(sys.base_prefix).glob("lib/python*/site-packages"))
    assert any(target == base_site or base_site.is_relative_to(target)
               for _, target in runtime_for(str(python)).binds)


def test_system_python_without_a_virtualenv():
    """The base interpreter itself (no virtualenv) starts a runner when it has numpy and
    IPython; without them the start fails as a grading fault that names the missing module."""
    probe = subprocess.run([str(BASE_PYTHON), "-I", "-c", "import numpy, IPython"],
                           capture_output=True, check=False)
    if probe.returncode == 0:
        facts = where(BASE_PYTHON)
        assert facts["prefix"] == sys.base_prefix
        assert facts["sum"] == 6
    else:
        with pytest.raises(RunnerStartFailure, match="No module named"):
            where(BASE_PYTHON)


def test_course_folders_on_sys_path_are_left_out(tmp_path):
    """A sys.path entry that holds the course (graders, solutions) is never bound: the
    runner starts, but cannot see the course's files."""
    course = tmp_path / "course"
    (course / "graders").mkdir(parents=True)
    (course / "graders" / "SECRET.txt").write_text("hidden")
    (course / "course_config.py").write_text("")
    python = make_venv(tmp_path / "venv", extra_path=(course,))
    assert str(course) in runtime_for(str(python), [course]).left_out
    with started(python, protect=[course]) as client:
        assert client.call("sees", str(course / "graders" / "SECRET.txt")) is False
        assert client.call("sees", str(PACKAGES)) is True


def test_runtime_inside_a_protected_folder_is_refused(tmp_path):
    """An interpreter whose own prefix holds the course cannot be shown without it: refused."""
    python = make_venv(tmp_path / "venv")
    with pytest.raises(IsolationUnavailable, match="would show it to student code"):
        runtime_for(str(python), [tmp_path / "venv" / "graders"])


def test_unusable_interpreter_is_a_start_failure(tmp_path):
    """A runner interpreter that does not exist is the machine's fault, not the student's."""
    with pytest.raises(RunnerStartFailure, match="cannot run the runner's interpreter"):
        where(tmp_path / "no-such-python")


def test_missing_runtime_module_is_a_start_failure():
    """The first runner must import the whole runtime; one that cannot is a start failure
    naming the module, before any student code runs."""
    client = RunnerClient([Cell(0, "x = 1")], LIMITS, runtime_modules=("numpy", "no_such_mod"))
    with pytest.raises(RunnerStartFailure, match="no_such_mod"), client:
        client.start()


@pytest.mark.slow
def test_the_seed_replays_student_randomness():
    """Two runners with the same seed draw the same Python, NumPy and TensorFlow numbers;
    another seed draws others."""
    cell = ("import random, numpy as np, tensorflow as tf\n"
            "def draw():\n"
            "    return [random.random(), float(np.random.rand()),\n"
            "            float(tf.random.uniform(()))]")
    limits = dataclasses.replace(LIMITS, cell_seconds=60)

    def draws(seed):
        with RunnerClient([Cell(0, cell)], limits, seed=seed, runtime_modules=()) as client:
            client.start()
            return client.call("draw")

    first, again, other = draws(11), draws(11), draws(12)
    assert first == again
    assert all(a != b for a, b in zip(first, other, strict=True))


def test_runner_environment_is_empty_of_the_callers(monkeypatch):
    """The runner's environment is built, not inherited: none of the caller's variables."""
    monkeypatch.setenv("COURSE_SECRET_TOKEN", "do-not-pass")
    with RunnerClient([Cell(0, "import os\ndef env():\n    return dict(os.environ)")],
                      LIMITS, runtime_modules=()) as client:
        client.start()
        env = client.call("env")
    assert "COURSE_SECRET_TOKEN" not in env
    assert env["PYTHONHASHSEED"] == "0"
    assert os.environ.get("COURSE_SECRET_TOKEN") == "do-not-pass"


def test_a_runner_started_while_the_judge_has_threads_gets_every_limit():
    """The limits are set after the fork by a fresh interpreter, not by Python code in the
    forked judge (unsafe once the judge has threads: Keras' background import, TensorFlow's
    pools after the judge's own training)."""
    stop = threading.Event()
    busy = threading.Thread(target=stop.wait, args=(30,), daemon=True)
    busy.start()
    cell = ("import resource\n"
            "def limits():\n"
            "    return [resource.getrlimit(getattr(resource, 'RLIMIT_' + name))\n"
            "            for name in ('AS', 'CPU', 'FSIZE', 'CORE', 'NPROC')]")
    try:
        with RunnerClient([Cell(0, cell)], LIMITS, runtime_modules=()) as client:
            client.start()
            got = client.call("limits")
    finally:
        stop.set()
    mib = 1024 * 1024
    expected = [LIMITS.memory_mb * mib, LIMITS.cpu_seconds, LIMITS.max_file_mb * mib, 0,
                LIMITS.max_processes]
    assert got == [[value, value] for value in expected]


def test_a_runner_dies_with_its_judge():
    """A judge killed outright (no cleanup runs) takes its runner with it, even one busy in
    a cell (a runner waiting for a request would also stop at the end of its pipe)."""
    judge = subprocess.Popen(
        [sys.executable, "-c",
         "import threading, time\n"
         "from autograder.config import Limits\n"
         "from autograder.judge.client import Cell, RunnerClient\n"
         "client = RunnerClient([Cell(0, 'import time\\ntime.sleep(60)')], Limits(),\n"
         "                      isolation='process', runtime_modules=())\n"
         "threading.Thread(target=client.start, daemon=True).start()\n"
         "while client._runner is None:\n"
         "    time.sleep(0.05)\n"
         "time.sleep(2)  # the cell is running\n"
         "print(client._runner.process.pid, flush=True)\n"
         "time.sleep(120)\n"],
        stdout=subprocess.PIPE, text=True)
    try:
        runner_pid = int(judge.stdout.readline())
        assert _alive(runner_pid)
    finally:
        judge.kill()
        judge.wait()
        judge.stdout.close()
    deadline = time.monotonic() + 10
    while _alive(runner_pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(runner_pid)


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its reaper does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
