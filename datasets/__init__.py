"""The course's data sets: verified loaders that work offline from a mirror or download."""

from __future__ import annotations

from . import fashion_mnist, kaggle_house, synthetic
from .fetch import (
    CACHE_ENV,
    DATA_DIR_ENV,
    OFFLINE_ENV,
    ChecksumError,
    DataError,
    DataNotFoundError,
    cache_dir,
    fetch,
    fetch_file,
    verify_file,
)
from .idx import IdxFormatError, read_idx
from .registry import DATASETS, Dataset, RemoteFile, get_dataset

__all__ = [
    "CACHE_ENV",
    "DATASETS",
    "DATA_DIR_ENV",
    "OFFLINE_ENV",
    "ChecksumError",
    "DataError",
    "DataNotFoundError",
    "Dataset",
    "IdxFormatError",
    "RemoteFile",
    "cache_dir",
    "fashion_mnist",
    "synthetic",
    "fetch",
    "fetch_file",
    "get_dataset",
    "kaggle_house",
    "read_idx",
    "verify_file",
]
