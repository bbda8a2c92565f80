"""Hidden checks of the residual block and ResNet-18 (cells test_residual, test_resnet)."""

import numpy as np
import pytest


def _residual(runner, init_args, x, calls, weights=None):
    result = runner.probe("layer", target="Residual", init_args=init_args, inputs=x,
                          calls=calls, weights=weights)
    return [runner.array(o, "Residual") for o in result["outputs"]], result["weights"]


@pytest.mark.check(cell="test_residual", points=1)
def test_residual_shapes(runner):
    """Residual(3) giữ nguyên (4, 6, 6, 3); Residual(6, use_1x1conv=True, strides=2) cho (4, 3, 3, 6)."""
    x = np.ones((4, 6, 6, 3), dtype="float32")
    for args, want in (([3], (4, 6, 6, 3)), ([6, True, 2], (4, 3, 3, 6))):
        (out,), _ = _residual(runner, args, x, [{}])
        assert out.shape == want, f"Residual{tuple(args)} trên (4, 6, 6, 3) phải cho {want}, nhận được {out.shape}."


@pytest.mark.check(cell="test_residual", points=2)
def test_identity_shortcut_is_added(runner, rng):
    """Khi mọi trọng số tích chập bằng 0, Residual(3) cho đúng relu(X): nhánh tắt cộng X vào sau BatchNorm thứ hai."""
    x = rng.normal(size=(4, 6, 6, 3)).astype("float32")
    _, weights = _residual(runner, [3], x, [{}])
    zeroed = [np.zeros_like(w["value"]) if w["name"] in ("kernel", "bias") else w["value"]
              for w in weights]
    outs, _ = _residual(runner, [3], x, [{"training": True}, {"training": False}], zeroed)
    for out, mode in zip(outs, ("huấn luyện", "suy luận"), strict=True):
        assert np.allclose(out, np.maximum(x, 0), atol=1e-5), (
            f"Chế độ {mode}, tích chập bằng 0: đầu ra phải là relu(X), tức Y = relu(BN(conv(...)) + X). "
            "Kiểm tra rằng X được cộng vào (không phải nối) và cộng sau BatchNorm, trước ReLU cuối.")


@pytest.mark.check(cell="test_residual", points=1)
def test_projection_shortcut(runner, rng):
    """Với use_1x1conv=True, nhánh tắt là tích chập 1×1 cùng sải bước: tích chập 3×3 bằng 0 thì đầu ra là relu(conv1x1(X))."""
    x = rng.normal(size=(2, 6, 6, 3)).astype("float32")
    _, weights = _residual(runner, [6, True, 2], x, [{}])
    shortcut = rng.normal(size=(1, 1, 3, 6)).astype("float32")
    kernels = [w for w in weights if w["name"] == "kernel" and np.shape(w["value"])[:2] == (1, 1)]
    assert len(kernels) == 1, "Residual(6, use_1x1conv=True) phải có đúng một tích chập 1×1 (nhánh tắt)."
    new = []
    for w in weights:
        if w["name"] == "kernel":
            new.append(shortcut if np.shape(w["value"])[:2] == (1, 1) else np.zeros_like(w["value"]))
        else:
            new.append(np.zeros_like(w["value"]) if w["name"] == "bias" else w["value"])
    (out,), _ = _residual(runner, [6, True, 2], x, [{"training": False}], new)
    want = np.maximum(x[:, ::2, ::2, :] @ shortcut[0, 0], 0)
    assert out.shape == want.shape, f"Residual(6, True, 2) trên (2, 6, 6, 3) phải cho {want.shape}, nhận được {out.shape}."
    assert np.allclose(out, want, atol=1e-4), (
        "Nhánh tắt 1×1 phải dùng cùng sải bước với tích chập đầu (strides=2) và được cộng vào trước ReLU cuối.")


@pytest.mark.check(cell="test_resnet", points=2)
def test_resnet18_layers(layer_table):
    """ResNet-18 trên ảnh 96×96×1: đúng các tầng và kích thước, 11.186.186 tham số (11.178.378 được huấn luyện), với batch 1 và 3."""
    layer_table("resnet18")
