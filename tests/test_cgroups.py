"""One cgroup per runner bounds the memory and processes of the whole sandbox together.

On a machine where the judge can make cgroups (this one: root, the v1 memory and
pids hierarchies writable) every runner is inside its own, with the profile's
bounds, and the cgroup is gone when the runner is; elsewhere the report says
that only rlimits bound it. Both paths are tested, whichever this machine has.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from autograder.config import Limits
from autograder.judge import cgroups
from autograder.judge.cgroups import _inside, _mounts, _own_paths
from autograder.judge.client import Cell, RunnerClient, RunnerKilled

LIMITS = Limits(cell_seconds=60, probe_seconds=60, submission_seconds=180, memory_mb=2048)

MOUNTINFO = """\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
"""
CGROUP = "8:pids:/\n4:memory:/process_api/abc\n1:cpu,cpuacct:/\n0::/\n"


def test_the_judges_own_cgroup_is_read_from_proc():
    assert _own_paths(CGROUP) == {"pids": "/", "memory": "/process_api/abc", "cpu": "/",
                                  "cpuacct": "/", "": "/"}
    mounts = _mounts(MOUNTINFO)
    assert mounts["memory"] == (Path("/sys/fs/cgroup/memory"), "/")
    assert mounts["pids"] == (Path("/sys/fs/cgroup/pids"), "/")
    assert mounts[""] == (Path("/sys/fs/cgroup/unified"), "/")


def test_a_cgroup_outside_the_mounted_part_of_the_hierarchy_is_not_used(tmp_path):
    """A container that mounts only its own subtree (root /docker/x) sees its cgroup as /."""
    (tmp_path / "child").mkdir()
    assert _inside((tmp_path, "/docker/x"), "/docker/x/child") == tmp_path / "child"
    assert _inside((tmp_path, "/docker/x"), "/docker/x") == tmp_path
    assert _inside((tmp_path, "/docker/x"), "/elsewhere") is None


def _cell(children: int, mib: int) -> str:
    """A cell whose ``run()`` starts ``children`` processes that each fill ``mib`` MiB."""
    return (
        "import subprocess, sys\n"
        "def run():\n"
        f"    code = 'import time; block = b\"1\" * ({mib} * 1024 * 1024); time.sleep(3)'\n"
        f"    kids = [subprocess.Popen([sys.executable, '-c', code]) for _ in range({children})]\n"
        "    return [kid.wait() for kid in kids]\n")


@pytest.mark.slow
def test_a_runner_is_inside_its_own_bounded_cgroup_which_goes_with_it():
    found = cgroups.hierarchy()
    with RunnerClient([Cell(0, _cell(0, 0))], LIMITS, runtime_modules=()) as client:
        client.start()
        runner = client._runner
        assert runner is not None
        if found is None:
            assert runner.cgroup is None
            assert client.tree_bounds == cgroups.RLIMITS_ONLY
            return
        group = runner.cgroup
        assert group is not None
        assert client.tree_bounds == group.description
        assert runner.process.pid in group.pids()  # the first program moved itself in
        assert all(folder.parent in found.folders for folder in group.folders)
        if group.version == 1:
            memory, pids = group.folders
            assert int((memory / "memory.limit_in_bytes").read_text()) == 2048 * 1024 * 1024
        else:
            memory = pids = group.folders[0]
            assert int((memory / "memory.max").read_text()) == 2048 * 1024 * 1024
        assert int((pids / "pids.max").read_text()) == LIMITS.max_processes
    assert not any(folder.exists() for folder in group.folders)


@pytest.mark.slow
def test_processes_of_one_submission_share_one_memory_bound():
    """Three children of 1 GiB each: each is far under the 2 GiB address-space rlimit, together
    they are over the sandbox's 2 GiB, so the kernel kills inside the sandbox (the children,
    or the runner), and never did the sandbox hold more than its bound."""
    if cgroups.hierarchy() is None:
        pytest.skip("no writable cgroup hierarchy on this machine, so no tree bound to show "
                    "(the test above checks that the report says rlimits only)")
    limits = dataclasses.replace(LIMITS, memory_mb=2048)
    with RunnerClient([Cell(0, _cell(3, 1024))], limits, runtime_modules=()) as client:
        client.start()
        group = client._runner.cgroup
        try:
            codes, message = client.call("run"), ""
        except RunnerKilled as exc:  # the kernel may pick the runner itself
            codes, message = None, str(exc)
        if codes is not None:
            assert -9 in codes, f"no child was killed: {codes}"
        else:
            assert "2048 MiB" in message, message
        folder = group.folders[0]
        peak = folder / ("memory.max_usage_in_bytes" if group.version == 1 else "memory.peak")
        if peak.exists():
            assert int(peak.read_text()) <= limits.memory_mb * 1024 * 1024
        assert group.out_of_memory()


@pytest.mark.slow
def test_a_runner_the_kernel_kills_for_the_bound_is_told_so():
    """The runner itself is the largest process over the bound: its checks name the bound."""
    if cgroups.hierarchy() is None:
        pytest.skip("no writable cgroup hierarchy on this machine (see the first test)")
    cell = ("import subprocess, sys\n"
            "def run():\n"
            "    code = 'block = b\"1\" * (700 * 1024 * 1024); print(\"ready\", flush=True); "
            "import time; time.sleep(30)'\n"
            "    kid = subprocess.Popen([sys.executable, '-c', code], stdout=subprocess.PIPE)\n"
            "    kid.stdout.readline()\n"
            "    block = b'1' * (1600 * 1024 * 1024)\n"
            "    return len(block)\n")
    with RunnerClient([Cell(0, cell)], LIMITS, runtime_modules=()) as client:
        client.start()
        with pytest.raises(RunnerKilled, match="2048 MiB"):
            client.call("run")
