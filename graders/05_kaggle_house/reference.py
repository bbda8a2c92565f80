"""The judge's own house-price pipeline pieces (judge side only, imported by the checks).

Ground truth for the preprocessing contract and the metric, computed here in
float64 from the raw tables, never from anything the runner sent.
"""

import numpy as np
import pandas as pd

#: Columns that are not features: the house's id and (train only) its price.
NOT_FEATURES = ("Id", "SalePrice")


def raw_features(train, test):
    """Both tables' feature columns stacked (train rows first), in the train table's order."""
    columns = [c for c in train.columns if c not in NOT_FEATURES]
    return pd.concat([train[columns], test[columns]], ignore_index=True)


def numeric_columns(train, test):
    """Names of the numeric feature columns."""
    return list(raw_features(train, test).select_dtypes(include="number").columns)


def categorical_columns(train, test):
    """Names of the non-numeric feature columns."""
    features = raw_features(train, test)
    return [c for c in features.columns if c not in set(numeric_columns(train, test))]


def expected_features(train, test):
    """The feature table the notebook's text asks for, in float64, train rows first.

    Numeric columns: (x - mean) / std over both tables (pandas std, ddof 1), then
    missing values set to 0. Other columns: one indicator column per value seen
    in either table, `<column>_<value>`, plus `<column>_nan` for missing values.
    """
    features = raw_features(train, test)
    numeric = numeric_columns(train, test)
    standardized = (features[numeric] - features[numeric].mean()) / features[numeric].std()
    parts = [standardized.fillna(0).astype("float64")]
    for column in categorical_columns(train, test):
        values = features[column]
        for value in sorted(values.dropna().unique(), key=str):
            parts.append((values == value).astype("float64").rename(f"{column}_{value}"))
        parts.append(values.isna().astype("float64").rename(f"{column}_nan"))
    return pd.concat(parts, axis=1)


def log_rmse(labels, predictions):
    """sqrt(mean((log y - log max(ŷ, 1))²)) in float64."""
    labels = np.asarray(labels, dtype="float64").reshape(-1)
    clipped = np.maximum(np.asarray(predictions, dtype="float64").reshape(-1), 1.0)
    return float(np.sqrt(np.mean((np.log(labels) - np.log(clipped)) ** 2)))
