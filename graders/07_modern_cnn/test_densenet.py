"""Hidden checks of the dense and transition blocks and DenseNet (cells test_dense_blocks,
test_densenet)."""

import numpy as np
import pytest


@pytest.mark.check(cell="test_dense_blocks", points=2)
def test_dense_block_keeps_its_input_first(runner, rng):
    """DenseBlock(2, 10) trên (4, 8, 8, 3) cho (4, 8, 8, 23), và 3 kênh đầu của đầu ra chính là đầu vào."""
    x = rng.normal(size=(4, 8, 8, 3)).astype("float32")
    result = runner.probe("layer", target="DenseBlock", init_args=[2, 10], inputs=x,
                          calls=[{}, {"training": True}])
    for out, mode in zip(result["outputs"], ("suy luận", "huấn luyện"), strict=True):
        out = runner.array(out, "DenseBlock")
        assert out.shape == (4, 8, 8, 23), f"DenseBlock(2, 10) trên (4, 8, 8, 3) phải cho (4, 8, 8, 23), nhận được {out.shape}."
        assert np.array_equal(out[..., :3], x), (
            f"Chế độ {mode}: 3 kênh đầu của DenseBlock phải đúng bằng đầu vào (nối [X, Y] theo trục kênh, X trước).")


@pytest.mark.check(cell="test_dense_blocks", points=1)
def test_transition_block_halves_height_and_width(runner):
    """TransitionBlock(10) trên (4, 8, 8, 23) cho (4, 4, 4, 10): tích chập 1×1 rồi gộp trung bình 2×2 bước 2."""
    result = runner.probe("layer", target="TransitionBlock", init_args=[10],
                          inputs=np.ones((4, 8, 8, 23), dtype="float32"), calls=[{}])
    out = runner.array(result["outputs"][0], "TransitionBlock")
    assert out.shape == (4, 4, 4, 10), f"TransitionBlock(10) trên (4, 8, 8, 23) phải cho (4, 4, 4, 10), nhận được {out.shape}."
    params = sum(int(np.size(w["value"])) for w in result["weights"] if w["trainable"])
    assert params == 23 * 2 + 23 * 10 + 10, (
        f"TransitionBlock(10) với 23 kênh vào có {params} tham số được huấn luyện, cần 286 "
        "(BatchNorm 46 + tích chập 1×1 240).")


@pytest.mark.check(cell="test_densenet", points=2)
def test_densenet_layers(layer_table):
    """DenseNet trên ảnh 96×96×1: đúng các tầng và kích thước, 764.834 tham số (758.226 được huấn luyện), với batch 1 và 3."""
    layer_table("densenet")
