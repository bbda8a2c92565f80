"""The book's iloc[:, 1:-1]: assumes Id is the first column and SalePrice the last."""
# variant: buggy
# loses: test_same_features_whatever_the_row_and_column_order
import pandas as pd


# %% [preprocess]
def preprocess(train_data, test_data):
    features = pd.concat([train_data.iloc[:, 1:-1], test_data.iloc[:, 1:]], ignore_index=True)
    numeric = features.select_dtypes(include="number").columns
    features[numeric] = (features[numeric] - features[numeric].mean()) / features[numeric].std()
    features[numeric] = features[numeric].fillna(0)
    features = pd.get_dummies(features, dummy_na=True, dtype="float32")
    return features.iloc[:len(train_data)], features.iloc[len(train_data):]
