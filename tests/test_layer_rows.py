"""Layer tables are compared by what the layers compute: the book's and the slides' forms of
one network match the same table, and a different network does not."""

from __future__ import annotations

import pytest

from autograder.judge.layer_tables import compare_rows, family

#: The head of the course's DenseNet table (batch 1).
TABLE = [("BatchNormalization", (1, 3, 3, 248)), ("ReLU", (1, 3, 3, 248)),
         ("GlobalAveragePooling2D", (1, 248)), ("Flatten", (1, 248)), ("Dense", (1, 10))]


def test_activation_relu_is_a_relu_and_other_activations_are_not():
    assert family("Activation", {"activation": "relu"}) == "ReLU"
    assert family("ReLU", {"negative_slope": 0.0}) == "ReLU"
    assert family("Activation", {"activation": "sigmoid"}) == "Activation"
    assert family("Activation", None) == "Activation"


def test_the_books_head_without_flatten_matches_the_table():
    book = [("BatchNormalization", (1, 3, 3, 248)),
            (family("Activation", {"activation": "relu"}), (1, 3, 3, 248)),
            ("GlobalAveragePooling2D", (1, 248)), ("Dense", (1, 10))]
    compare_rows("densenet()", book, TABLE)
    compare_rows("densenet()", TABLE, TABLE)


def test_a_flatten_that_flattens_counts():
    """A Flatten of a 4-D output is a layer of the network, on either side."""
    table = [("MaxPooling2D", (1, 5, 5, 16)), ("Flatten", (1, 400)), ("Dense", (1, 10))]
    with pytest.raises(AssertionError, match="tầng thứ 2 là Dense"):
        compare_rows("lenet()", [("MaxPooling2D", (1, 5, 5, 16)), ("Dense", (1, 10))], table)


def test_a_row_may_accept_alternative_classes_and_names_them_when_both_miss():
    table = [("Conv2D", (1, 24, 24, 6)), ("AveragePooling2D|MaxPooling2D", (1, 12, 12, 6))]
    for pooling in ("AveragePooling2D", "MaxPooling2D"):
        compare_rows("bn_lenet()", [("Conv2D", (1, 24, 24, 6)), (pooling, (1, 12, 12, 6))], table)
    with pytest.raises(AssertionError, match="cần AveragePooling2D hoặc MaxPooling2D"):
        compare_rows("bn_lenet()", [("Conv2D", (1, 24, 24, 6)), ("Conv2D", (1, 12, 12, 6))],
                     table)


def test_a_sigmoid_activation_is_not_a_relu():
    with pytest.raises(AssertionError, match="tầng thứ 2 là Activation"):
        compare_rows("densenet()", [("BatchNormalization", (1, 3, 3, 248)),
                                    (family("Activation", {"activation": "sigmoid"}),
                                     (1, 3, 3, 248))], TABLE[:2])
