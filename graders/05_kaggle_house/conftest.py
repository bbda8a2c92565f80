"""Fixtures shared by the hidden checks of 05_kaggle_house (judge side only).

Tables reach the runner as CSV text; what comes back is checked against
`reference.py`, computed here from the raw tables.
"""

import pytest

import course_datasets
from autograder.judge import trusted_training


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session):
    """Keras imports in the background while the runner starts (the judge trains the models)."""
    trusted_training.prewarm()


@pytest.fixture(scope="session")
def house_tables():
    """The competition's (train, test) tables, checksum-verified."""
    return course_datasets.kaggle_house.load_data()


@pytest.fixture(scope="session")
def holdout(judge, house_tables):
    """(kept, held_out): training houses the pipeline fits on, and those it must price."""
    train, _ = house_tables
    recipe = judge.profile.recipe
    return course_datasets.kaggle_house.split_holdout(train, recipe["holdout"], recipe["seed"])


def csv(frame):
    """A table as the CSV text the runner parses (no index column)."""
    return frame.to_csv(index=False)


@pytest.fixture
def features_of(runner):
    """`features_of(train, test)`: the student's preprocess(train, test) as two `Table`s."""

    def call(train, test):
        result = runner.probe("call_tables", target="preprocess", tables=[csv(train), csv(test)])
        assert isinstance(result, list), "preprocess phải trả về một cặp (train_features, test_features)."
        assert len(result) == 2, "preprocess phải trả về một cặp (train_features, test_features)."
        return (runner.frame(result[0], "preprocess (bảng train)"),
                runner.frame(result[1], "preprocess (bảng test)"))

    return call
