"""Numbers the houses from 1460: every Id is off by one."""
# variant: buggy
# loses: test_submission_format, test_ids_follow_the_test_table
import numpy as np
import pandas as pd


# %% [make_submission]
def make_submission(test_data, predictions):
    return pd.DataFrame({"Id": np.arange(len(test_data)) + 1460,
                         "SalePrice": np.asarray(predictions).reshape(-1)})
