"""Trains on every row, the validation fold included: validation scores look too good."""
# variant: buggy
# loses: test_folds_are_contiguous_blocks


# %% [get_k_fold_data]
def get_k_fold_data(k, i, X, y):
    if k < 2:
        raise ValueError(f"k must be at least 2, got {k}")
    fold_size = X.shape[0] // k
    rows = slice(i * fold_size, (i + 1) * fold_size)
    return X[:k * fold_size], y[:k * fold_size], X[rows], y[rows]
