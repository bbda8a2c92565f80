"""Kaggle House Prices (the Dive into Deep Learning copy) as pandas DataFrames."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .fetch import DataError, fetch

__all__ = ["DATASET_ID", "TEST_SHAPE", "TRAIN_SHAPE", "load_data", "split_holdout"]

DATASET_ID = "kaggle-house"
TRAIN_SHAPE = (1460, 81)
TEST_SHAPE = (1459, 80)


def load_data() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Loads the Kaggle "House Prices - Advanced Regression Techniques" data.

    Files are found with `course_datasets.fetch` (``$COURSE_DATA_DIR``, then
    the cache, then d2l's URL) and always checksum-verified.

    Returns:
        Tuple of DataFrames: ``(train, test)``.

        **train**: shape ``(1460, 81)``: ``Id``, 79 features (36 numeric, the
        rest text with missing values), then ``SalePrice`` (dollars).

        **test**: shape ``(1459, 80)``: the same columns without ``SalePrice``.

    Raises:
        DataNotFoundError: If a file cannot be found or downloaded.
        ChecksumError: If a file is not the expected one.
        DataError: If the tables do not have the expected shapes and columns.

    Example:
        >>> train, test = load_data()
        >>> train.shape, test.shape
        ((1460, 81), (1459, 80))
        >>> features = pd.concat((train.iloc[:, 1:-1], test.iloc[:, 1:]))

    Checksums: d2l DATA_HUB (``kaggle_house_train``, ``kaggle_house_test``).
    """
    train: pd.DataFrame = pd.read_csv(fetch(DATASET_ID, "kaggle_house_pred_train.csv"))
    test: pd.DataFrame = pd.read_csv(fetch(DATASET_ID, "kaggle_house_pred_test.csv"))
    _check_shape("train", train, TRAIN_SHAPE)
    _check_shape("test", test, TEST_SHAPE)
    if train.columns[0] != "Id" or train.columns[-1] != "SalePrice":
        raise DataError(
            "The house-prices train table must start with 'Id' and end with 'SalePrice'. "
            f"Received: first={train.columns[0]!r}, last={train.columns[-1]!r}"
        )
    if list(test.columns) != list(train.columns[:-1]):
        differing = sorted(set(test.columns) ^ set(train.columns[:-1]))
        raise DataError(
            "The house-prices test table must have the train columns without 'SalePrice', "
            f"in the same order. Received: differing columns {differing or '(order only)'}"
        )
    return train, test


def split_holdout(train: pd.DataFrame, size: int,
                  seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hold back ``size`` houses of the training table, chosen at random from ``seed``.

    The competition's test prices are not public, so graders score a
    pipeline on training houses it never saw: it is fitted on the first table
    returned and predicts the second, whose prices stay with the judge. Both
    keep the original row order and index.

    Raises:
        ValueError: If ``size`` does not leave at least one house on each side.
    """
    if not 0 < size < len(train):
        raise ValueError(f"holdout size must be between 1 and {len(train) - 1}. "
                         f"Received: size={size}")
    held = np.zeros(len(train), dtype=bool)
    held[np.random.default_rng(seed).choice(len(train), size=size, replace=False)] = True
    return train[~held], train[held]


def _check_shape(split: str, frame: pd.DataFrame, expected: tuple[int, int]) -> None:
    if frame.shape != expected:
        raise DataError(
            f"The house-prices {split} table must have shape {expected}. "
            f"Received: shape={frame.shape}"
        )
