"""The check-writer's comparisons say, in the student's language, what differs and where."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.judge.expect import expect_close, expect_shape


def test_a_matching_shape_and_values_pass():
    truth = np.arange(6.0).reshape(2, 3)
    expect_shape(truth, (2, 3), "Y")
    expect_close(truth + 1e-12, truth, "Y", rtol=1e-10, atol=1e-10)


def test_another_shape_is_named_with_both_shapes():
    message = r"^corr2d phải có kích thước \(2, 3\), nhận được \(3, 2\)\.$"
    with pytest.raises(AssertionError, match=message):
        expect_close(np.zeros((3, 2)), np.zeros((2, 3)), "corr2d", rtol=1e-6)


def test_the_worst_element_is_named_with_both_values_and_the_hint():
    truth = np.zeros((2, 3))
    got = truth.copy()
    got[0, 1], got[1, 2] = 0.5, -2.0
    with pytest.raises(AssertionError) as failure:
        expect_close(got, truth, "pool2d(X, (2, 2), 'max')", rtol=1e-12,
                     hint="cần max của mỗi cửa sổ.")
    assert str(failure.value) == (
        "pool2d(X, (2, 2), 'max') sai tại vị trí (1, 2): nhận -2, cần 0 "
        "(sai số cho phép 0 + 1e-12·|giá trị đúng|). cần max của mỗi cửa sổ.")


def test_a_nan_is_the_worst_element_and_never_matches():
    truth = np.ones(4)
    got = np.array([1.0, 5.0, np.nan, 1.0])
    with pytest.raises(AssertionError, match=r"tại vị trí \(2,\): nhận nan, cần 1"):
        expect_close(got, truth, "f(x)", rtol=1e-6)


def test_scalars_compare_without_a_position():
    with pytest.raises(AssertionError, match=r"^loss sai: nhận 2, cần 1 "):
        expect_close(np.float64(2.0), 1.0, "loss", rtol=1e-6)
    expect_close(1.0 + 1e-9, 1.0, "loss", rtol=1e-6)


def test_the_hint_follows_a_shape_failure_too():
    with pytest.raises(AssertionError, match=r"nhận được \(4, 3\)\. Kênh ra ở trục cuối\.$"):
        expect_close(np.zeros((4, 3)), np.zeros((3, 4)), "Y", rtol=1e-6,
                     hint="Kênh ra ở trục cuối.")
