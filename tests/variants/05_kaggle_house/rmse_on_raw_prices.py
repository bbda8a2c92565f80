"""RMSE on dollar prices instead of log prices: an absolute error, not the competition's."""
# variant: buggy
# loses: test_log_rmse_formula, test_log_rmse_clips_small_predictions
import numpy as np


# %% [log_rmse]
def log_rmse(labels, predictions):
    clipped = np.clip(np.asarray(predictions).reshape(-1), 1, None)
    return float(np.sqrt(np.mean((np.asarray(labels).reshape(-1) - clipped) ** 2)))
