"""Measure what the reference solution reaches under a profile's recipe, over several seeds.

Runs the source notebook in a runner (as grading does), then repeats the
judge's training once per seed (for the Keras models, the judge's own
training of the verified layers, autograder.judge.trusted_training) and
prints each metric's mean, spread and extremes, from which thresholds in
``course_config.py`` are set with a margin. The held-out labels stay in this process, as in grading.

Usage:
    .venv/bin/python benchmarks/measure_thresholds.py 03_dropout --profile cpu --seeds 5
    .venv/bin/python benchmarks/measure_thresholds.py 04_weight_decay --seeds 10
    .venv/bin/python benchmarks/measure_thresholds.py 05_kaggle_house --seeds 6
    .venv/bin/python benchmarks/measure_thresholds.py 06_cnn --profile cpu --seeds 8
    .venv/bin/python benchmarks/measure_thresholds.py 07_modern_cnn --profile cpu --seeds 8
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import time
from collections.abc import Callable
from typing import Any

import nbformat
import numpy as np

import course_datasets
from autograder.config import AssignmentProfile, Limits
from autograder.judge.client import RunnerClient
from autograder.judge.layer_tables import verify_model
from autograder.judge.plugin import _code_cells
from autograder.judge.trusted_training import fit_predict, held_out_accuracy
from autograder.layout import CourseLayout, find_course_root

Metrics = dict[str, float]
_IMAGE_KEYS = ("optimizer", "learning_rate", "epochs", "batch_size", "scale", "channel_axis")


def _fashion_mnist(settings: AssignmentProfile) -> Any:
    return course_datasets.fashion_mnist.load_data(variant=settings.recipe["data"])


def _accuracy(client: RunnerClient, builder: str, recipe: dict[str, Any], data: Any,
              limits: Limits, kwargs: dict[str, Any] | None = None) -> float:
    """As grading measures it: the builder's layers verified, then trained by the judge."""
    size = int(recipe.get("resize", 28))
    model = verify_model(client, builder, (size, size, 1), np.random.default_rng(0),
                         kwargs=kwargs)
    return held_out_accuracy(model, recipe, data, f"{builder}()", limits=limits)


def measure_dropout(client: RunnerClient, settings: AssignmentProfile, seed: int,
                    data: Any) -> Metrics:
    recipe = {k: settings.recipe[k] for k in _IMAGE_KEYS} | {"seed": seed}
    return {"test_accuracy": _accuracy(client, "build_net", recipe, data, settings.limits)}


def measure_weight_decay(client: RunnerClient, settings: AssignmentProfile, seed: int,
                         data: Any) -> Metrics:
    recipe = settings.recipe
    data = course_datasets.synthetic.weight_decay_regression(
        seed, recipe["n_train"], recipe["n_test"], recipe["num_inputs"])
    metrics = {}
    for lambd in (0.0, 3.0):
        result = client.probe(
            "train_loop", step="train_step", forward="net", x_train=data.x_train,
            y_train=data.y_train, x_eval=data.x_test, epochs=recipe["epochs"],
            batch_size=recipe["batch_size"], seed=seed,
            step_kwargs={"lambd": lambd, "lr": recipe["learning_rate"]},
            params=[data.w_init, np.zeros(1)])
        metrics[f"scratch_test_loss(l={lambd:g})"] = float(
            np.mean((result["outputs"] - data.y_test) ** 2 / 2))
        metrics[f"scratch_weight_norm(l={lambd:g})"] = float(np.linalg.norm(result["params"][0]))
    fit = {"seed": seed, "optimizer": "sgd", "loss": "mse",
           "learning_rate": recipe["learning_rate"], "epochs": recipe["epochs"],
           "batch_size": recipe["batch_size"]}
    for wd in (0.0, 3.0):
        model = verify_model(client, "build_concise", (data.x_train.shape[1],),
                             np.random.default_rng(0), kwargs={"wd": wd})
        trained = fit_predict(model, fit, data.x_train.astype("float32"),
                              data.y_train.astype("float32"), data.x_test.astype("float32"),
                              limits=settings.limits)
        metrics[f"concise_test_mse(wd={wd:g})"] = float(
            np.mean((trained.outputs - data.y_test) ** 2))
        metrics[f"concise_weight_norm(wd={wd:g})"] = float(np.linalg.norm(trained.weights[0]))
    return metrics


def _scaled_fashion_mnist(settings: AssignmentProfile) -> Any:
    (x_train, y_train), (x_test, y_test) = _fashion_mnist(settings)

    def prepare(images: np.ndarray) -> np.ndarray:
        return (images.astype("float32") / 255.0)[..., None]

    return (prepare(x_train), y_train.astype("int32")), (prepare(x_test), y_test)


def measure_perceptron(client: RunnerClient, settings: AssignmentProfile, seed: int,
                       data: Any) -> Metrics:
    recipe = settings.recipe
    (x_train, y_train), (x_test, y_test) = data
    result = client.probe("train_loop", init="init_mlp_params", step="train_step_scratch",
                          forward="mlp", x_train=x_train, y_train=y_train, x_eval=x_test,
                          epochs=recipe["epochs"], batch_size=recipe["batch_size"], seed=seed,
                          step_kwargs={"lr": recipe["learning_rate"]})
    scratch = float(np.mean(np.argmax(result["outputs"], axis=1) == y_test))
    overfit = client.probe("train_loop", init="init_mlp_params", step="train_step_scratch",
                           forward="mlp", x_train=x_train[:64], y_train=y_train[:64],
                           x_eval=x_train[:64], epochs=recipe["overfit_steps"], batch_size=64,
                           seed=seed, step_kwargs={"lr": recipe["overfit_learning_rate"]})
    fit = {"seed": seed, "optimizer": "sgd", "learning_rate": recipe["learning_rate"],
           "epochs": recipe["epochs"], "batch_size": recipe["batch_size"]}
    return {"scratch_test_accuracy": scratch,
            "concise_test_accuracy": _accuracy(client, "build_concise_mlp", fit, data,
                                               settings.limits),
            "overfit_train_accuracy": float(np.mean(
                np.argmax(overfit["outputs"], axis=1) == y_train[:64]))}


def _house_reference() -> Any:
    """The 05 judge's own metric and ground truth (graders/05_kaggle_house/reference.py)."""
    path = find_course_root() / "graders" / "05_kaggle_house" / "reference.py"
    spec = importlib.util.spec_from_file_location("kaggle_reference", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load the 05 grader reference from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _house_tables(settings: AssignmentProfile) -> Any:
    return course_datasets.kaggle_house.load_data()


def _house_features(client: RunnerClient, train: Any, test: Any) -> tuple[np.ndarray, ...]:
    result = client.probe("call_tables", target="preprocess",
                          tables=[train.to_csv(index=False), test.to_csv(index=False)])
    return tuple(client.frame(part, "preprocess").values.astype("float32") for part in result)


def _house_score(client: RunnerClient, settings: AssignmentProfile, model: str, seed: int,
                 x_train: np.ndarray, prices: np.ndarray, x_test: np.ndarray,
                 test_prices: np.ndarray) -> float:
    recipe = dict(settings.recipe[model]) | {"seed": seed}
    log_target = recipe.pop("log_target")
    verified = verify_model(client, f"get_{model}", (x_train.shape[1],),
                            np.random.default_rng(0))
    outputs = fit_predict(verified, recipe, x_train,
                          (np.log(prices) if log_target else prices).astype("float32"),
                          x_test, limits=settings.limits).outputs
    score: float = _house_reference().log_rmse(
        test_prices, np.exp(np.minimum(outputs, 50.0)) if log_target else outputs)
    return score


def measure_kaggle_house(client: RunnerClient, settings: AssignmentProfile, seed: int,
                         data: Any) -> Metrics:
    """The graders' held-out score for both models, and the book's 5-fold cross-validation."""
    train, test = data
    kept, held_out = course_datasets.kaggle_house.split_holdout(
        train, settings.recipe["holdout"], seed)
    x_kept, x_held = _house_features(client, kept, held_out.drop(columns=["SalePrice"]))
    metrics = {}
    for model in ("net", "mlp"):
        metrics[f"holdout_log_rmse({model})"] = _house_score(
            client, settings, model, seed, x_kept, kept["SalePrice"].to_numpy("float64"), x_held,
            held_out["SalePrice"].to_numpy("float64"))
    # d2l's 5-fold cross-validation: features of both tables, contiguous folds of n // 5 rows.
    x_all, _ = _house_features(client, train, test)
    prices = train["SalePrice"].to_numpy("float64")
    fold = len(train) // 5
    for model in ("net", "mlp"):
        scores = []
        for i in range(5):
            valid = np.zeros(len(train), dtype=bool)
            valid[i * fold:(i + 1) * fold] = True
            scores.append(_house_score(client, settings, model, seed, x_all[~valid],
                                       prices[~valid], x_all[valid], prices[valid]))
        metrics[f"5fold_valid_log_rmse({model})"] = float(np.mean(scores))
    return metrics


def measure_cnn(client: RunnerClient, settings: AssignmentProfile, seed: int,
                data: Any) -> Metrics:
    """Each network the 06_cnn or 07_modern_cnn judge trains, with the profile's recipe."""
    metrics = {}
    for network in [key for key in ("lenet", "vgg", "bn_lenet") if key in settings.recipe]:
        recipe = dict(settings.recipe[network])
        builder, kwargs = recipe.pop("builder", network), recipe.pop("kwargs", {})
        recipe |= {"seed": seed, "scale": 1 / 255, "channel_axis": True}
        metrics[f"{network}_test_accuracy"] = _accuracy(client, builder, recipe, data,
                                                        settings.limits, kwargs)
    return metrics


#: Assignment id → (loads the data once or None, measures one seed).
MEASURES: dict[str, tuple[Callable[[AssignmentProfile], Any] | None,
                          Callable[[RunnerClient, AssignmentProfile, int, Any], Metrics]]] = {
    "01_perceptron": (_scaled_fashion_mnist, measure_perceptron),
    "03_dropout": (_fashion_mnist, measure_dropout),
    "04_weight_decay": (None, measure_weight_decay),
    "05_kaggle_house": (_house_tables, measure_kaggle_house),
    "06_cnn": (_fashion_mnist, measure_cnn),
    "07_modern_cnn": (_fashion_mnist, measure_cnn),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", choices=sorted(MEASURES))
    parser.add_argument("--profile", default="cpu")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=1,
                        help="first seed (a long series can be split across runners)")
    parser.add_argument("--epochs", type=int, default=None, help="override the recipe's epochs")
    args = parser.parse_args()

    layout = CourseLayout(find_course_root())
    settings = layout.course().assignment(args.assignment).profile(args.profile)
    if args.epochs is not None:
        settings = AssignmentProfile({**settings.recipe, "epochs": args.epochs},
                                     settings.thresholds, settings.limits, settings.measured)
    load, measure = MEASURES[args.assignment]
    data = load(settings) if load else None
    nb = nbformat.read(layout.source_notebook(args.assignment), as_version=4)
    runs: list[Metrics] = []
    with RunnerClient(_code_cells(nb), settings.limits) as client:
        client.start()
        for seed in range(args.first_seed, args.first_seed + args.seeds):
            started = time.monotonic()
            runs.append(measure(client, settings, seed, data))
            shown = ", ".join(f"{k} {v:.4g}" for k, v in runs[-1].items())
            print(f"seed {seed}: {shown} ({time.monotonic() - started:.1f} s)")
    print(f"{args.assignment} {args.profile}, {len(runs)} seeds:")
    for key in runs[0]:
        values = [run[key] for run in runs]
        print(f"  {key}: mean {statistics.mean(values):.4g}, std {statistics.pstdev(values):.3g}, "
              f"min {min(values):.4g}, max {max(values):.4g}")
    print("current thresholds:", dict(settings.thresholds))


if __name__ == "__main__":
    main()
