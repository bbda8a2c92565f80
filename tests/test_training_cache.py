"""The judge's record of its trainings: the same rebuild, recipe and data are trained once and
give the recorded accuracy; anything that changes what is trained is another training; a
broken, foreign or switched-off record costs a training, never a wrong accuracy."""

from __future__ import annotations

import json

import numpy as np
import pytest
from test_trusted_training import LIMITS, _blobs, verified
from test_verifier import row

from autograder.judge import training_cache, trusted_training

RECIPE = {"seed": 3, "optimizer": "adam", "learning_rate": 0.01, "epochs": 3, "batch_size": 16}
DATA = (_blobs(1, 128), _blobs(2, 64))


def mlp(units=8, rate=0.2):
    return verified([row("Dense", units=units, activation="relu"),
                     row("Dropout", own=True, rate=rate), row("Dense", units=2)], (6,))


@pytest.fixture
def record(tmp_path, monkeypatch):
    folder = tmp_path / "record"
    monkeypatch.setenv(training_cache.CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def trainings(monkeypatch):
    """Counts the judge's real trainings."""
    calls = []
    real = trusted_training.fit_predict

    def counted(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(trusted_training, "fit_predict", counted)
    return calls


def accuracy(model, recipe=RECIPE, data=DATA):
    return trusted_training.held_out_accuracy(model, recipe, data, "net()", limits=LIMITS,
                                              classes=2)


@pytest.mark.slow
def test_the_same_plan_is_trained_once_and_gets_the_recorded_accuracy(record, trainings):
    first = accuracy(mlp())
    assert len(trainings) == 1
    assert len(list(record.glob("*.json"))) == 1
    assert not list(record.glob("*.tmp"))
    assert accuracy(mlp()) == first
    assert len(trainings) == 1


@pytest.mark.slow
@pytest.mark.parametrize("change", ["units", "rate", "seed", "epochs", "labels"])
def test_what_changes_the_training_is_another_training(record, trainings, change):
    accuracy(mlp())
    model = mlp(units=9) if change == "units" else mlp(rate=0.3) if change == "rate" else mlp()
    recipe = {**RECIPE, change: RECIPE[change] + 1} if change in RECIPE else RECIPE
    (x_train, y_train), test = DATA
    data = ((x_train, 1 - y_train), test) if change == "labels" else DATA
    accuracy(model, recipe, data)
    assert len(trainings) == 2


@pytest.mark.slow
def test_layer_names_are_not_part_of_the_plan():
    """Two rebuilds of one plan differ in their Keras names only (dense, dense_1, ...)."""
    first = trusted_training.build(mlp()).get_config()
    second = trusted_training.build(mlp()).get_config()
    assert first != second
    arrays = [np.zeros(3)]
    assert training_cache.plan_key(first, RECIPE, arrays) == \
        training_cache.plan_key(second, RECIPE, arrays)


@pytest.mark.slow
@pytest.mark.parametrize("content", ["{not json", '{"schema": 1, "accuracy": 7.0}',
                                     '{"schema": 0, "accuracy": 0.5}', '{"accuracy": "1"}'])
def test_an_unreadable_or_foreign_record_is_a_miss(record, trainings, content):
    first = accuracy(mlp())
    [path] = record.glob("*.json")
    path.write_text(content)
    assert accuracy(mlp()) == first
    assert len(trainings) == 2
    assert json.loads(path.read_text()) == {"schema": 1, "accuracy": first}


@pytest.mark.slow
def test_switched_off_nothing_is_recorded(tmp_path, monkeypatch, trainings):
    monkeypatch.setenv(training_cache.CACHE_ENV, "off")
    monkeypatch.chdir(tmp_path)
    accuracy(mlp())
    accuracy(mlp())
    assert len(trainings) == 2
    assert training_cache.cache_dir() is None
    assert not list(tmp_path.iterdir())


def test_a_folder_that_cannot_be_written_only_costs_a_training(tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(training_cache.CACHE_ENV, str(blocker / "record"))
    training_cache.store("abc", 0.5)
    assert "could not record training" in caplog.text
    assert training_cache.lookup("abc") is None


def test_the_default_folder_is_in_the_graders_home(monkeypatch, tmp_path):
    """The sandbox mounts neither the judge's home nor its /tmp (autograder.judge.sandbox)."""
    monkeypatch.delenv(training_cache.CACHE_ENV, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert training_cache.cache_dir() == tmp_path / ".cache" / "keras-course" / "training"
