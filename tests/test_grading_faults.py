"""A fault of the machine or of a grader is never a score; the same seed gives the same grade.

Each fault class is produced for real (an interpreter that does not exist, a missing
data set, a broken check, no GPU, a judge that cannot trust ``assert``) and must end
in the documented exit code and a one-line message naming the cause and the fix,
never in points.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from autograder import grading
from autograder.cli import main
from autograder.config import Limits
from autograder.demo import DemoFailed, DemoResult
from autograder.errors import EXIT_GRADING_FAULT, GraderBug
from autograder.judge.client import RunnerClient
from autograder.solutions import fill_solutions, read_sections

from grading_helpers import REPO, copy_course, variant_sections

BROKEN_PYTHON = "/nonexistent/python3"


def course_cli(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), env=env)


def one_line_fault(result, kind: str) -> str:
    assert result.exit_code == EXIT_GRADING_FAULT, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"Error: grading fault ({kind}):"), lines[0]
    assert "Fix:" in lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def tiny_notebook(tmp_path_factory) -> Path:
    """A notebook that defines nothing the checks ask for (it grades in seconds)."""
    path = tmp_path_factory.mktemp("nb") / "tiny.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), path)
    return path


@pytest.fixture(scope="module")
def partly_wrong(layout, tmp_path_factory):
    """`partly_wrong(assignment)`: the demo's partly wrong notebook for an assignment."""

    def build(assignment: str) -> Path:
        source = nbformat.read(layout.source_notebook(assignment), as_version=4)
        sections = {**read_sections(layout.solution_module(assignment)),
                    **variant_sections(assignment, "partly_wrong")}
        path = tmp_path_factory.mktemp(assignment) / f"{assignment}.ipynb"
        nbformat.write(fill_solutions(source, sections), path)
        return path

    return build


def test_runner_that_cannot_start_gives_no_score(tiny_notebook):
    """An unusable runner interpreter: `course grade` prints no score, exits 4 and names it."""
    result = course_cli("grade", "02_activations", str(tiny_notebook), "--json",
                        env={"COURSE_RUNNER_PYTHON": BROKEN_PYTHON})
    line = one_line_fault(result, "runner-start")
    assert BROKEN_PYTHON in line
    assert '"score"' not in result.output


def test_validate_and_demo_fail_with_the_cause_before_grading():
    """`course validate` and `course demo` stop at the pre-flight with the same one line."""
    env = {"COURSE_RUNNER_PYTHON": BROKEN_PYTHON}
    one_line_fault(course_cli("validate", "02_activations", env=env), "runner-start")
    one_line_fault(course_cli("demo", env=env), "runner-start")


def test_gpu_profile_without_a_gpu_is_refused(tiny_notebook, monkeypatch):
    """`--profile gpu` on a machine that shows no GPU refuses before anything starts."""
    monkeypatch.setattr(grading, "gpu_visible", lambda: False)
    result = course_cli("grade", "02_activations", str(tiny_notebook), "--profile", "gpu")
    assert "--profile cpu" in one_line_fault(result, "device")


@pytest.mark.slow
def test_missing_data_set_is_a_fault_not_points(layout, tmp_path):
    """Without the data (offline, no mirror, empty cache) the reference of 03_dropout gets no
    score: a grading fault naming COURSE_DATA_DIR, not 15/20."""
    env = {"COURSE_DATA_DIR": str(tmp_path / "no-mirror"), "COURSE_OFFLINE": "1",
           "COURSE_DATA_CACHE": str(tmp_path / "empty-cache")}
    result = course_cli("grade", "03_dropout", str(layout.source_notebook("03_dropout")),
                        env=env)
    assert "COURSE_DATA_DIR" in one_line_fault(result, "data")


@pytest.mark.slow
@pytest.mark.parametrize(("check", "needle"), [
    ('runner.probe("no_such_probe", target="Sigmoid")', "does not exist"),
    ('runner.probe("call", target="Sigmoid", argz=[1])', "unknown ['argz']"),
    ('{}["missing"]', "raised KeyError"),
    # 8 GiB of address space (never touched): over the judge's own bound, so MemoryError.
    ('__import__("numpy").empty(8 << 30, "uint8")', "MemoryError"),
])
def test_broken_check_is_a_grader_fault(layout, tmp_path, tiny_notebook, check, needle):
    """A check that misuses a probe or raises something other than its assertion is the
    grader's bug: exit 4 naming the check, never "Mã của bạn gây lỗi" for the student."""
    root = copy_course(layout, tmp_path)
    (root / "graders" / "02_activations" / "test_0_broken.py").write_text(
        "import pytest\n\n\n"
        '@pytest.mark.check(cell="test_maxout", points=0)\n'
        "def test_broken(runner):\n"
        '    """Một kiểm tra hỏng."""\n'
        f"    {check}\n")
    result = course_cli("grade", "02_activations", str(tiny_notebook),
                        env={"COURSE_ROOT": str(root)})
    line = one_line_fault(result, "grader")
    assert needle in line
    assert "test_broken" in line


def test_probe_misuse_is_caught_before_it_reaches_a_runner():
    """The judge refuses a malformed probe request itself (no runner is started)."""
    client = RunnerClient([], Limits())
    with pytest.raises(GraderBug, match="not identifiers"):
        client.probe("call", target="os.system")
    with pytest.raises(GraderBug, match="missing \\['target'\\]"):
        client.probe("call")


def test_judge_refuses_to_run_without_assertions(layout, tmp_path, tiny_notebook):
    """A judge started with -O (assert statements off) records a fault instead of grading."""
    report = tmp_path / "report.json"
    graders = layout.grader_dir("02_activations")
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    subprocess.run(
        [sys.executable, "-O", "-m", "pytest", "-q", "-p", "autograder.judge.plugin",
         "-c", str(tmp_path / "pytest.ini"), "--rootdir", str(graders),
         "-o", f"pythonpath={shlex.quote(str(graders))}", str(graders),
         "--notebook", str(tiny_notebook),
         "--report", str(report), "--assignment", "02_activations", "--profile", "cpu",
         "--course-root", str(layout.root)],
        cwd=tmp_path, capture_output=True, check=False, timeout=300,
        env={**grading.judge_environment(), "PYTHONOPTIMIZE": "1"})
    fault = json.loads(report.read_text())["fault"]
    assert fault["kind"] == "judge"
    assert "assertions are disabled" in fault["message"]


@pytest.mark.slow
def test_callers_python_settings_do_not_reach_the_judge(partly_wrong, tmp_path):
    """PYTHONOPTIMIZE (which strips the checks' asserts), PYTHONPATH, PYTHONSTARTUP and
    PYTHONHASHSEED in the instructor's environment change nothing: the partly wrong
    02_activations notebook loses exactly its two known checks, as without them."""
    startup = tmp_path / "startup.py"
    startup.write_text("raise SystemExit('PYTHONSTARTUP ran in the judge')\n")
    env = {"PYTHONOPTIMIZE": "1", "PYTHONPATH": str(tmp_path), "PYTHONSTARTUP": str(startup),
           "PYTHONHASHSEED": "123"}
    result = course_cli("grade", "02_activations", str(partly_wrong("02_activations")),
                        "--json", "--seed", "3", env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    lost = {c["id"] for c in report["checks"] if c["status"] != "passed"}
    assert lost == {"test_stable_for_large_inputs[sigmoid_tanh]", "test_kinks[relu_family]"}
    assert report["score"] == 16


@pytest.mark.slow
def test_same_seed_same_report_in_two_processes(partly_wrong):
    """The same submission and seed give the identical report (every check's score,
    status and message) from two separate `course grade` processes; the seed is in it."""
    notebook = partly_wrong("03_dropout")
    command = [str(Path(sys.executable).with_name("course")), "grade", "03_dropout",
               str(notebook), "--json", "--seed", "20261202"]
    env = {k: v for k, v in os.environ.items() if k != "COURSE_ROOT"}
    reports = []
    for _ in range(2):
        done = subprocess.run(command, capture_output=True, text=True, check=False,
                              timeout=900, env=env, cwd=REPO)
        assert done.returncode == 0, done.stderr
        reports.append(json.loads(done.stdout))
    first, second = reports
    assert first["seed"] == second["seed"] == 20261202
    assert first["checks"] == second["checks"]
    assert 0 < first["score"] < first["max_score"]


def test_demo_refuses_a_table_that_lies():
    """`course demo` fails when the reference lacks full marks or the release earns points."""
    rows = [{"student_id": "an_reference", "assignment": "03_dropout", "score": "15",
             "max_score": "20"},
            {"student_id": "binh_untouched", "assignment": "03_dropout", "score": "2",
             "max_score": "20"}]
    result = DemoResult(Path("."), Path("grades.csv"), {"an_reference/03_dropout": Path()}, rows)
    with pytest.raises(DemoFailed) as raised:
        result.verify()
    assert "reference solution got 15/20 in 03_dropout" in raised.value.message
    assert "untouched release got 2/20" in raised.value.message
    honest = [dict(rows[0], score="20"), dict(rows[1], score="0")]
    DemoResult(Path("."), Path("grades.csv"), {"an_reference/03_dropout": Path()},
               honest).verify()


def test_every_fault_kind_is_documented_in_the_readme():
    """The README's table of fault classes names every kind and the exit codes."""
    from autograder import errors

    readme = (REPO / "README.md").read_text()
    kinds = {cls.kind for cls in vars(errors).values()
             if isinstance(cls, type) and issubclass(cls, errors.GradingFault)}
    for kind in kinds - {"grading"}:
        assert f"`{kind}`" in readme, kind
    assert "| 4 |" in readme
