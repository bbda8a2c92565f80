"""Reference solution for assignment 05_kaggle_house: house prices with pandas and Keras.

Follows d2l v0.17 §4.10 (Kaggle house prices), ported to pandas 3 and Keras 3.
Each section is the answer to one solution cell of the notebook; the notebook's
locked helpers (`train`, `k_fold`) only call these functions.
"""
import keras
import numpy as np
import pandas as pd


# %% [preprocess]
def preprocess(train_data, test_data):
    """Turn the raw train and test tables into two all-float feature tables.

    Drops `Id` and `SalePrice` (by name), standardizes every numeric column
    with the mean and standard deviation of both tables together, fills their
    missing values with 0, and one-hot encodes the other columns with an
    indicator column `<name>_nan` for missing values. Returns
    `(train_features, test_features)`: DataFrames with the same columns in the
    same order, one row per input row, in the input order.
    """
    features = pd.concat([train_data.drop(columns=["Id", "SalePrice"]),
                          test_data.drop(columns=["Id"])], ignore_index=True)
    numeric = features.select_dtypes(include="number").columns
    features[numeric] = (features[numeric] - features[numeric].mean()) / features[numeric].std()
    features[numeric] = features[numeric].fillna(0)
    features = pd.get_dummies(features, dummy_na=True, dtype="float32").astype("float32")
    n_train = len(train_data)
    return features.iloc[:n_train], features.iloc[n_train:]


# %% [log_rmse]
def log_rmse(labels, predictions):
    """Root-mean-squared error between log prices; predictions below 1 count as 1."""
    labels = np.asarray(labels, dtype="float64").reshape(-1)
    clipped = np.clip(np.asarray(predictions, dtype="float64").reshape(-1), 1, None)
    return float(np.sqrt(np.mean((np.log(labels) - np.log(clipped)) ** 2)))


# %% [get_k_fold_data]
def get_k_fold_data(k, i, X, y):
    """Split (X, y) for fold `i` of `k`: fold i (rows [i*s, (i+1)*s), s = n // k) validates,
    the other k - 1 folds train (in row order); the last n % k rows are not used."""
    if k < 2:
        raise ValueError(f"k-fold cross-validation needs k >= 2. Received: k={k}")
    fold_size = X.shape[0] // k
    X_train, y_train, X_valid, y_valid = [], [], None, None
    for j in range(k):
        rows = slice(j * fold_size, (j + 1) * fold_size)
        if j == i:
            X_valid, y_valid = X[rows], y[rows]
        else:
            X_train.append(X[rows])
            y_train.append(y[rows])
    return np.concatenate(X_train), np.concatenate(y_train), X_valid, y_valid


# %% [get_net]
def get_net():
    """The book's linear regression: one Dense unit, no activation."""
    return keras.Sequential([keras.layers.Dense(1)])


# %% [get_mlp]
def get_mlp():
    """An MLP that predicts log(price): one hidden ReLU layer of 64 units."""
    return keras.Sequential([
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dense(1),
    ])


# %% [make_submission]
def make_submission(test_data, predictions):
    """The competition's submission table: columns `Id` and `SalePrice`, one row per house."""
    return pd.DataFrame({"Id": test_data["Id"].to_numpy(),
                         "SalePrice": np.asarray(predictions).reshape(-1)})
