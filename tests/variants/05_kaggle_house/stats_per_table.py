"""Standardizes each table with its own mean and standard deviation: the same raw value
becomes a different feature in train and test, so prices learned on one table do not
transfer to the other; and a column that is numeric in one table only (all missing in the
other) ends up one-hot encoded, so the columns no longer follow the data."""
# variant: buggy
# loses: test_numeric_columns_standardized, test_columns_follow_the_data, test_linear_pipeline_prices_unseen_houses, test_mlp_pipeline_prices_unseen_houses
import pandas as pd


# %% [preprocess]
def preprocess(train_data, test_data):
    def standardize(frame):
        numeric = frame.select_dtypes(include="number").columns
        frame[numeric] = ((frame[numeric] - frame[numeric].mean()) / frame[numeric].std()).fillna(0)
        return frame

    train = standardize(train_data.drop(columns=["Id", "SalePrice"]))
    test = standardize(test_data.drop(columns=["Id"]))
    features = pd.get_dummies(pd.concat([train, test], ignore_index=True), dummy_na=True, dtype=float)
    return features.iloc[:len(train)], features.iloc[len(train):]
