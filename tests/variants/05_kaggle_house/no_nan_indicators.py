"""One-hot encoding without dummy_na: a missing value looks like 'none of the categories',
and the linear model prices unseen houses far worse (holdout log-RMSE about 0.65)."""
# variant: buggy
# loses: test_categories_one_hot_with_nan_indicators, test_columns_follow_the_data, test_linear_pipeline_prices_unseen_houses
import pandas as pd


# %% [preprocess]
def preprocess(train_data, test_data):
    features = pd.concat([train_data.drop(columns=["Id", "SalePrice"]),
                          test_data.drop(columns=["Id"])], ignore_index=True)
    numeric = features.select_dtypes(include="number").columns
    features[numeric] = (features[numeric] - features[numeric].mean()) / features[numeric].std()
    features[numeric] = features[numeric].fillna(0)
    features = pd.get_dummies(features, dtype="float32")
    return features.iloc[:len(train_data)], features.iloc[len(train_data):]
