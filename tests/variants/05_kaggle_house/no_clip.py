"""Takes the log of the raw predictions: NaN as soon as one prediction is not positive."""
# variant: buggy
# loses: test_log_rmse_clips_small_predictions
import numpy as np


# %% [log_rmse]
def log_rmse(labels, predictions):
    labels = np.asarray(labels, dtype="float64").reshape(-1)
    predictions = np.asarray(predictions, dtype="float64").reshape(-1)
    return float(np.sqrt(np.mean((np.log(labels) - np.log(predictions)) ** 2)))
