"""Hidden checks of preprocess (cell test_preprocess): the feature tables' contract."""

import numpy as np
import pytest
from reference import NOT_FEATURES, categorical_columns, expected_features, numeric_columns

CELL = "test_preprocess"


def _contract(train_features, test_features, train, test):
    """The shape of the answer, whatever the data: what every later step relies on."""
    rows = (len(train_features.values), len(test_features.values))
    assert rows == (len(train), len(test)), (
        f"Cần {len(train)} và {len(test)} hàng (một hàng cho mỗi căn nhà), nhận được "
        f"{rows[0]} và {rows[1]}.")
    assert train_features.columns == test_features.columns, (
        "Bảng train và bảng test phải có cùng các cột, theo cùng thứ tự.")
    bad = [d for d in train_features.dtypes + test_features.dtypes if not d.startswith("float")]
    assert not bad, f"Mọi cột phải là số thực (float); có cột kiểu {sorted(set(bad))}."
    for table, name in ((train_features, "train"), (test_features, "test")):
        assert np.isfinite(table.values).all(), f"Bảng {name} còn giá trị NaN hoặc vô hạn."
    leaked = [c for c in NOT_FEATURES if c in train_features.columns]
    assert not leaked, f"Các cột {leaked} không phải đặc trưng: hãy bỏ chúng (theo tên)."


def _rows_in_input_order(table, expected, offset):
    """The student's rows next to the reference's, column by column (by name)."""
    missing = [c for c in expected.columns if c not in table.columns]
    return missing, {c: (table.column(c), expected[c].to_numpy()[offset:offset + len(table.values)])
                     for c in expected.columns if c in table.columns}


@pytest.mark.check(cell=CELL, points=2)
def test_feature_tables_contract(features_of, house_tables):
    """preprocess trả về hai bảng số thực, không còn NaN, cùng cột và cùng thứ tự cột."""
    train, test = house_tables
    train_features, test_features = features_of(train, test)
    _contract(train_features, test_features, train, test)


@pytest.mark.check(cell=CELL, points=1)
def test_numeric_columns_standardized(features_of, house_tables):
    """Các cột số được chuẩn hóa bằng trung bình và độ lệch chuẩn của cả hai bảng, NaN thay bằng 0."""
    train, test = house_tables
    train_features, test_features = features_of(train, test)
    expected = expected_features(train, test)[numeric_columns(train, test)]
    for table, offset, name in ((train_features, 0, "train"), (test_features, len(train), "test")):
        missing, pairs = _rows_in_input_order(table, expected, offset)
        assert not missing, f"Thiếu các cột số (giữ nguyên tên cột): {missing[:5]}."
        for column, (got, want) in pairs.items():
            assert np.allclose(got, want, rtol=1e-5, atol=1e-5), (
                f"Cột {column} của bảng {name} không khớp (x - trung bình) / độ lệch chuẩn, "
                "tính trên cả hai bảng (train và test) rồi mới điền 0 vào chỗ thiếu.")


@pytest.mark.check(cell=CELL, points=1)
def test_categories_one_hot_with_nan_indicators(features_of, house_tables):
    """Mỗi cột chữ thành các cột chỉ báo `<cột>_<giá trị>`, kèm cột `<cột>_nan` cho giá trị thiếu."""
    train, test = house_tables
    train_features, test_features = features_of(train, test)
    expected = expected_features(train, test)
    indicators = [c for c in expected.columns if c not in set(numeric_columns(train, test))]
    nan_columns = [f"{c}_nan" for c in categorical_columns(train, test)]
    absent = [c for c in nan_columns if c not in train_features.columns]
    assert not absent, (
        f"Thiếu cột chỉ báo giá trị thiếu, ví dụ {absent[:3]}: dùng pd.get_dummies(..., dummy_na=True).")
    for table, offset, name in ((train_features, 0, "train"), (test_features, len(train), "test")):
        missing, pairs = _rows_in_input_order(table, expected[indicators], offset)
        assert not missing, f"Thiếu các cột chỉ báo {missing[:5]} (bảng {name})."
        for column, (got, want) in pairs.items():
            assert np.array_equal(got, want), (
                f"Cột chỉ báo {column} của bảng {name} không bằng 1 đúng ở các căn nhà có giá trị đó.")


@pytest.mark.check(cell=CELL, points=1)
def test_same_features_whatever_the_row_and_column_order(features_of, house_tables, rng):
    """Xáo trộn thứ tự hàng và thứ tự cột của dữ liệu thô không làm đổi đặc trưng của từng căn nhà."""
    train, test = house_tables
    train_features, test_features = features_of(train, test)
    columns = list(rng.permutation(train.columns))
    rows_train, rows_test = rng.permutation(len(train)), rng.permutation(len(test))
    shuffled_train = train.iloc[rows_train][columns]
    shuffled_test = test.iloc[rows_test][[c for c in columns if c != "SalePrice"]]
    got_train, got_test = features_of(shuffled_train, shuffled_test)
    _contract(got_train, got_test, train, test)
    for got, original, rows, name in ((got_train, train_features, rows_train, "train"),
                                      (got_test, test_features, rows_test, "test")):
        assert sorted(got.columns) == sorted(original.columns), (
            f"Sau khi đổi thứ tự cột của dữ liệu thô, bảng {name} có tập cột khác. Hãy chọn cột "
            "theo tên (ví dụ drop(columns=[...])), không theo vị trí.")
        for column in original.columns:
            assert np.allclose(got.column(column), original.column(column)[rows],
                               rtol=1e-5, atol=1e-5), (
                f"Sau khi xáo trộn hàng/cột của dữ liệu thô, cột {column} của bảng {name} đổi giá "
                "trị. Đặc trưng của một căn nhà chỉ được phụ thuộc vào dữ liệu, không vào thứ tự.")


@pytest.mark.check(cell=CELL, points=1)
def test_columns_follow_the_data(features_of, house_tables):
    """Các cột được suy ra từ dữ liệu: một giá trị mới chỉ có trong bảng test cũng có cột riêng."""
    train, test = house_tables
    train, test = train.iloc[:400], test.iloc[:300].copy()
    test.loc[test.index[0], "MSZoning"] = "Nhà phố mới"
    test.loc[test.index[1], "Street"] = None
    train_features, test_features = features_of(train, test)
    _contract(train_features, test_features, train, test)
    expected = expected_features(train, test)
    assert sorted(train_features.columns) == sorted(expected.columns), (
        f"Với dữ liệu khác (400 + 300 căn, có giá trị mới 'Nhà phố mới' của MSZoning chỉ ở bảng "
        f"test), cần {expected.shape[1]} cột, nhận được {len(train_features.columns)}. Số cột và "
        "tên cột phải được suy ra từ dữ liệu, không viết cố định.")
    for column in ("MSZoning_Nhà phố mới", "Street_nan"):
        assert np.array_equal(test_features.column(column),
                              expected[column].to_numpy()[len(train):]), (
            f"Cột {column} phải bằng 1 đúng ở căn nhà có giá trị đó.")
