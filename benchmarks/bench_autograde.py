"""Wall time of `nbgrader autograde` on one batch: stock nbgrader versus this pipeline.

Builds two throwaway courses from this repository and grades the same batch of
03_dropout submissions (reference answers, the book's partly wrong code, and
untouched releases) in each, once:

- stock: nbgrader's default preprocessors; student code and tests run in one
  Jupyter kernel. Its hidden region holds the in-kernel equivalent of the
  costliest hidden check (train build_net with the cpu recipe, assert the
  threshold); the other cells run their public asserts.
- secure: this repository's nbgrader_config.py: each submission runs in the
  bubblewrap runner and is judged by the hidden checks in a separate process.

Usage:
    .venv/bin/python benchmarks/bench_autograde.py [--students 12]
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat

from autograder.config import AssignmentProfile
from autograder.course_dir import TempCourse
from autograder.layout import CourseLayout, find_course_root
from autograder.solutions import fill_solutions, read_sections

ASSIGNMENT = "03_dropout"

_STOCK_CONFIG = """\
c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.source_directory = "assignments"
c.CourseDirectory.course_id = "bench-stock"
c.Execute.timeout = 600
"""

_IN_KERNEL_ACCURACY = '''\
import course_datasets
(_xt, _yt), (_xv, _yv) = course_datasets.fashion_mnist.load_data(variant="subset")
keras.utils.set_random_seed({seed})
_net = build_net()
_net.compile(optimizer=keras.optimizers.SGD(learning_rate={lr}),
             loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
_net.fit((_xt / 255.0).astype("float32")[..., None], _yt.astype("int32"), epochs={epochs},
         batch_size={batch}, verbose=0)
_acc = float(np.mean(np.argmax(_net.predict((_xv / 255.0).astype("float32")[..., None],
                                             verbose=0), axis=1) == _yv))
assert _acc >= {threshold}, _acc'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=12)
    args = parser.parse_args()
    layout = CourseLayout(find_course_root())
    settings = layout.course().assignment(ASSIGNMENT).profile("cpu")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        stock_root = Path(tmp) / "stock"
        secure = TempCourse(layout, Path(tmp) / "secure", profile="cpu")
        _stock_course(layout, stock_root, settings)
        _nbgrader(stock_root, "generate_assignment", ASSIGNMENT, "--force")
        batch = _batch(layout, secure.release(ASSIGNMENT), args.students)
        stock_release = nbformat.read(stock_root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                                      as_version=4)
        stock_batch = _batch(layout, stock_release, args.students)
        for student, nb in batch.items():
            secure.submit(student, ASSIGNMENT, nb)
            folder = stock_root / "submitted" / student / ASSIGNMENT
            folder.mkdir(parents=True, exist_ok=True)
            nbformat.write(stock_batch[student], folder / f"{ASSIGNMENT}.ipynb")
        kinds = {name.split("_")[0] for name in batch}
        print(f"batch: {len(batch)} submissions of {ASSIGNMENT} ({', '.join(sorted(kinds))})")
        stock_s = _timed(lambda: _nbgrader(stock_root, "autograde", ASSIGNMENT, "--force"))
        print(f"stock nbgrader autograde (in-kernel tests): {stock_s:.1f} s")
        secure_s = _timed(lambda: secure.autograde(ASSIGNMENT))
        print(f"secure pipeline (bubblewrap runner + judge): {secure_s:.1f} s")
        print(f"ratio secure/stock: {secure_s / stock_s:.2f} "
              f"({(secure_s / stock_s - 1) * 100:+.0f}% wall time)")


def _stock_course(layout: CourseLayout, root: Path, settings: AssignmentProfile) -> None:
    shutil.copytree(layout.root / "assignments", root / "assignments")
    (root / "nbgrader_config.py").write_text(_STOCK_CONFIG.format(root=str(root)))
    path = root / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(path, as_version=4)
    recipe = settings.recipe
    check = _IN_KERNEL_ACCURACY.format(
        seed=recipe["seed"], lr=recipe["learning_rate"], epochs=recipe["epochs"],
        batch=recipe["batch_size"], threshold=settings.thresholds["test_accuracy"])
    for cell in nb.cells:
        if "# course-checks: test_accuracy" in cell.source:
            cell.source = cell.source.replace("# course-checks: test_accuracy", check)
    nbformat.write(nb, path)


def _batch(layout: CourseLayout, release: nbformat.NotebookNode,
           students: int) -> dict[str, nbformat.NotebookNode]:
    reference = read_sections(layout.solution_module(ASSIGNMENT))
    wrong = read_sections(layout.root / "tests" / "variants" / ASSIGNMENT / "partly_wrong.py")
    kinds = {
        "reference": fill_solutions(release, reference),
        "wrong": fill_solutions(release, {**reference, **wrong}),
        "untouched": copy.deepcopy(release),
    }
    order = ["reference", "wrong", "untouched", "reference"]
    return {f"{order[i % 4]}_{i:02d}": kinds[order[i % 4]] for i in range(students)}


def _nbgrader(root: Path, *args: str) -> None:
    nbgrader = str(Path(sys.executable).with_name("nbgrader"))
    env_path = f"{Path(sys.executable).parent}:/usr/bin:/bin"
    subprocess.run([nbgrader, *args], cwd=root, check=True, capture_output=True,
                   env={"PATH": env_path, "HOME": str(root),
                        **{k: v for k, v in os.environ.items() if k.startswith("COURSE_")}})


def _timed(action: Callable[[], object]) -> float:
    started = time.monotonic()
    action()
    return time.monotonic() - started


if __name__ == "__main__":
    main()
