"""Hidden check: the student's MLP trained by the judge's recipe (cell test_accuracy)."""

import numpy as np
import pytest

CELL = "test_accuracy"


@pytest.mark.check(cell=CELL, points=5)
def test_trained_accuracy(runner, profile, fashion_mnist):
    """Mạng build_net() huấn luyện theo công thức của sách phải đạt ngưỡng độ chính xác trên tập kiểm tra."""
    (x_train, y_train), (x_test, y_test) = fashion_mnist
    recipe = {k: profile.recipe[k] for k in
              ("seed", "optimizer", "learning_rate", "epochs", "batch_size", "scale",
               "channel_axis")}
    result = runner.probe("fit_predict", builder="build_net", recipe=recipe,
                          x_train=x_train, y_train=y_train.astype("int32"), x_test=x_test)
    logits = runner.array(result["outputs"], "dự đoán của mô hình")
    assert logits.shape == (len(x_test), 10), (
        f"Mô hình trả về dự đoán kích thước {logits.shape}, cần ({len(x_test)}, 10)."
    )
    accuracy = float(np.mean(np.argmax(logits, axis=1) == y_test))
    threshold = profile.thresholds["test_accuracy"]
    assert accuracy >= threshold, (
        f"Độ chính xác trên tập kiểm tra là {accuracy:.3f}, cần ít nhất {threshold:.2f}."
    )
