"""Measure the accuracy that the reference solution reaches under a profile's recipe.

Runs the source notebook in a runner (as grading does), then trains its model
with the profile's recipe once per seed and reports test accuracy on the
held-out labels: mean, spread, and the threshold a margin below the worst run.

Usage:
    .venv/bin/python benchmarks/measure_thresholds.py 03_dropout --profile cpu --seeds 5
"""

from __future__ import annotations

import argparse
import statistics
import time

import nbformat
import numpy as np

import course_datasets
from autograder.judge.client import RunnerClient
from autograder.judge.plugin import _code_cells
from autograder.layout import CourseLayout, find_course_root

BUILDERS = {"03_dropout": "build_net"}
RECIPE_KEYS = ("optimizer", "learning_rate", "epochs", "batch_size", "scale", "channel_axis")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", choices=sorted(BUILDERS))
    parser.add_argument("--profile", default="cpu")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--margin", type=float, default=0.03)
    parser.add_argument("--epochs", type=int, default=None, help="override the recipe's epochs")
    args = parser.parse_args()

    layout = CourseLayout(find_course_root())
    settings = layout.course().assignment(args.assignment).profile(args.profile)
    nb = nbformat.read(layout.source_notebook(args.assignment), as_version=4)
    (x_train, y_train), (x_test, y_test) = course_datasets.fashion_mnist.load_data(
        variant=settings.recipe["data"])
    accuracies = []
    with RunnerClient(_code_cells(nb), settings.limits) as client:
        client.start()
        for seed in range(1, args.seeds + 1):
            recipe = {k: settings.recipe[k] for k in RECIPE_KEYS} | {"seed": seed}
            if args.epochs is not None:
                recipe["epochs"] = args.epochs
            started = time.monotonic()
            result = client.probe("fit_predict", builder=BUILDERS[args.assignment],
                                  recipe=recipe, x_train=x_train,
                                  y_train=y_train.astype("int32"), x_test=x_test)
            accuracy = float(np.mean(np.argmax(result["logits"], axis=1) == y_test))
            accuracies.append(accuracy)
            seconds = time.monotonic() - started
            print(f"seed {seed}: test accuracy {accuracy:.4f} ({seconds:.1f} s, "
                  f"{len(x_train)} train / {len(x_test)} test)")
    mean = statistics.mean(accuracies)
    spread = statistics.pstdev(accuracies)
    print(f"{args.assignment} {args.profile}: mean {mean:.4f}, std {spread:.4f}, "
          f"min {min(accuracies):.4f}, max {max(accuracies):.4f} over {len(accuracies)} seeds")
    print(f"suggested threshold (min - {args.margin}): {min(accuracies) - args.margin:.2f}")


if __name__ == "__main__":
    main()
