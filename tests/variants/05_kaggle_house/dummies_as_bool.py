"""pandas >= 2: get_dummies returns bool columns unless asked for floats."""
# variant: buggy
# loses: test_feature_tables_contract, test_same_features_whatever_the_row_and_column_order, test_columns_follow_the_data
import pandas as pd


# %% [preprocess]
def preprocess(train_data, test_data):
    features = pd.concat([train_data.drop(columns=["Id", "SalePrice"]),
                          test_data.drop(columns=["Id"])], ignore_index=True)
    numeric = features.select_dtypes(include="number").columns
    features[numeric] = (features[numeric] - features[numeric].mean()) / features[numeric].std()
    features[numeric] = features[numeric].fillna(0)
    features = pd.get_dummies(features, dummy_na=True)
    return features.iloc[:len(train_data)], features.iloc[len(train_data):]
