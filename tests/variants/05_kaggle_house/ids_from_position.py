"""Numbers the houses 1461, 1462, ... by row position: right only while the test table
keeps its original order."""
# variant: buggy
# loses: test_ids_follow_the_test_table
import numpy as np
import pandas as pd


# %% [make_submission]
def make_submission(test_data, predictions):
    return pd.DataFrame({"Id": np.arange(1461, 1461 + len(test_data)),
                         "SalePrice": np.asarray(predictions).reshape(-1)})
