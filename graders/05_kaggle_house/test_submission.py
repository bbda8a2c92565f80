"""Hidden checks of make_submission (cell test_submission): the competition's file format."""

import numpy as np
import pytest

CELL = "test_submission"


def _submission(runner, test, predictions):
    result = runner.probe("call_tables", target="make_submission",
                          tables=[test.to_csv(index=False)], args=[predictions])
    table = runner.frame(result, "make_submission")
    assert table.columns == ["Id", "SalePrice"], (
        f"Bảng nộp bài phải có đúng hai cột Id, SalePrice theo thứ tự đó, nhận được {table.columns[:5]}.")
    assert len(table.values) == len(test), (
        f"Bảng nộp bài phải có {len(test)} hàng (một hàng cho mỗi căn nhà), nhận được {len(table.values)}.")
    return table


@pytest.mark.check(cell=CELL, points=2)
def test_submission_format(runner, house_tables, rng):
    """make_submission cho bảng Id,SalePrice: 1459 hàng, Id từ 1461 đến 2919, giá là các dự đoán."""
    _, test = house_tables
    predictions = rng.uniform(5e4, 5e5, size=(len(test), 1))
    table = _submission(runner, test, predictions)
    assert table.dtypes[0].startswith(("int", "uint")), (
        f"Cột Id phải là số nguyên (như trong dữ liệu), nhận được kiểu {table.dtypes[0]}.")
    assert np.array_equal(table.column("Id"), np.arange(1461, 2920)), (
        "Cột Id phải là Id của các căn nhà trong bảng test (1461 đến 2919), theo đúng thứ tự.")
    assert np.allclose(table.column("SalePrice"), predictions.reshape(-1), rtol=1e-6), (
        "Cột SalePrice phải là các dự đoán, theo thứ tự của bảng test (dự đoán có kích thước (n, 1)).")


@pytest.mark.check(cell=CELL, points=1)
def test_ids_follow_the_test_table(runner, house_tables, rng):
    """Id lấy từ cột Id của bảng test, không suy ra từ vị trí hàng."""
    _, test = house_tables
    shuffled = test.iloc[rng.permutation(len(test))]
    predictions = rng.uniform(5e4, 5e5, size=(len(test), 1))
    table = _submission(runner, shuffled, predictions)
    assert np.array_equal(table.column("Id"), shuffled["Id"].to_numpy()), (
        "Khi các hàng của bảng test bị xáo trộn, cột Id phải đi theo: lấy Id từ test_data['Id'].")
    assert np.allclose(table.column("SalePrice"), predictions.reshape(-1), rtol=1e-6), (
        "Cột SalePrice phải là các dự đoán, theo thứ tự của bảng test.")
