"""Partly wrong submission used by the demo: no clip in the metric, Ids numbered by position."""
# variant: buggy
# loses: test_log_rmse_clips_small_predictions, test_ids_follow_the_test_table
import numpy as np
import pandas as pd


# %% [log_rmse]
def log_rmse(labels, predictions):
    labels = np.asarray(labels, dtype="float64").reshape(-1)
    predictions = np.asarray(predictions, dtype="float64").reshape(-1)
    return float(np.sqrt(np.mean((np.log(labels) - np.log(predictions)) ** 2)))


# %% [make_submission]
def make_submission(test_data, predictions):
    return pd.DataFrame({"Id": np.arange(1461, 1461 + len(test_data)),
                         "SalePrice": np.asarray(predictions).reshape(-1)})
