"""Hidden checks of the networks (cells test_lenet, test_alexnet, test_vgg, test_nin):
per-layer output shapes and exact parameter counts at the book's input sizes, derived by
the judge's verifier from the layers the model declares and confirmed by running the
student's model on the judge's weights and inputs (autograder.judge.layer_tables), block
structure, and accuracy on held-out images after the judge trains a rebuild of the verified
layers itself with the profile's recipe (autograder.judge.trusted_training): the held-out
images never reach the runner."""

import pytest
from reference import VGG11

from autograder.judge.layer_tables import compare_rows, verify_model
from autograder.judge.trusted_training import held_out_accuracy


def _accuracy(runner, rng, profile, fashion_mnist, network):
    """Verify `network`'s layers at the size it trains at, train a rebuild of them with the
    profile's recipe in the judge, and score it on labels the runner never sees."""
    recipe = dict(profile.recipe[network])
    builder, kwargs = recipe.pop("builder"), recipe.pop("kwargs", {})
    recipe |= {"seed": profile.recipe["seed"], "scale": 1 / 255, "channel_axis": True}
    size = recipe.get("resize", 28)
    model = verify_model(runner, builder, (size, size, 1), rng, kwargs=kwargs)
    accuracy = held_out_accuracy(model, recipe, fashion_mnist, f"{builder}()",
                                 limits=profile.limits)
    limit = profile.thresholds[f"{network}_test_accuracy"]
    assert accuracy >= limit, (
        f"Sau khi trình chấm huấn luyện các tầng của {builder}() ({recipe['epochs']} epoch), độ "
        f"chính xác trên {len(fashion_mnist[1][1])} ảnh kiểm tra là {accuracy:.3f}, cần ≥ {limit}.")


def _activations(model):
    """The activation of each Conv2D and Dense layer of a verified model."""
    return [item.layer.config.get("activation") for item in model.layers
            if item.layer.kind in ("Conv2D", "Dense")]


@pytest.mark.check(cell="test_lenet", points=2)
def test_lenet_layers(layer_table):
    """LeNet: đúng các tầng, kích thước đầu ra NHWC và 61.706 tham số, với batch 1 và 3; sigmoid trừ tầng cuối."""
    info = layer_table("lenet")
    assert _activations(info) == ["sigmoid"] * 4 + ["linear"], (
        f"Hàm kích hoạt của các tầng Conv2D/Dense là {_activations(info)}: LeNet của sách dùng "
        "sigmoid (activation='sigmoid'), tầng cuối không có hàm kích hoạt (logit).")


@pytest.mark.check(cell="test_lenet", points=2)
def test_lenet_accuracy(runner, rng, profile, fashion_mnist):
    """Trình chấm tự huấn luyện các tầng của lenet() và đo độ chính xác trên ảnh kiểm tra."""
    _accuracy(runner, rng, profile, fashion_mnist, "lenet")


@pytest.mark.check(cell="test_alexnet", points=2)
def test_alexnet_layers(layer_table):
    """AlexNet trên ảnh 224×224×1: đúng các tầng, kích thước đầu ra và 46.764.746 tham số, với batch 1 và 3."""
    layer_table("alexnet")


@pytest.mark.check(cell="test_vgg", points=1)
def test_vgg_block(runner, rng):
    """vgg_block(2, 8): hai Conv2D 3×3 'same' giữ nguyên cao/rộng, rồi MaxPooling2D 2×2 bước 2 chia đôi."""
    block = verify_model(runner, "vgg_block", (12, 12, 4), rng, batch=3,
                         kwargs={"num_convs": 2, "num_channels": 8})
    want = [("Conv2D", (12, 12, 8)), ("Conv2D", (12, 12, 8)), ("MaxPooling2D", (6, 6, 8))]
    compare_rows("vgg_block(2, 8) trên (3, 12, 12, 4)", block.rows, want)
    assert block.params == 880, f"vgg_block(2, 8) với 4 kênh vào có {block.params} tham số, cần 880."
    assert _activations(block) == ["relu", "relu"], (
        f"Các Conv2D của khối VGG dùng ReLU, nhận được {_activations(block)}.")


@pytest.mark.check(cell="test_vgg", points=2)
def test_vgg11_layers(layer_table):
    """vgg(conv_arch) với kiến trúc VGG-11 trên ảnh 224×224×1: năm khối, phần đầu Dense, 128.806.154 tham số."""
    layer_table("vgg", {"conv_arch": VGG11})


@pytest.mark.check(cell="test_vgg", points=1)
def test_vgg_accuracy(runner, rng, profile, fashion_mnist):
    """Trình chấm tự huấn luyện các tầng của một VGG hẹp (conv_arch nhỏ) và đo độ chính xác trên ảnh kiểm tra."""
    _accuracy(runner, rng, profile, fashion_mnist, "vgg")


@pytest.mark.check(cell="test_nin", points=1)
def test_nin_block(runner, rng):
    """nin_block: một Conv2D với kích thước/bước/đệm cho trước, rồi hai Conv2D 1×1, tất cả ReLU."""
    block = verify_model(runner, "nin_block", (9, 9, 2), rng, batch=3,
                         kwargs={"num_channels": 5, "kernel_size": 3, "strides": 2,
                                 "padding": "valid"})
    compare_rows("nin_block(5, 3, 2, 'valid') trên (3, 9, 9, 2)", block.rows,
                 [("Conv2D", (4, 4, 5))] * 3)
    kernels = [item.weights[0].shape[:2] for item in block.layers]
    assert kernels == [(3, 3), (1, 1), (1, 1)], f"Kích thước hạt nhân là {kernels}, cần [(3, 3), (1, 1), (1, 1)]."
    assert block.params == 155, f"nin_block(5, 3, 2, 'valid') với 2 kênh vào có {block.params} tham số, cần 155."
    assert _activations(block) == ["relu"] * 3, f"Các Conv2D của khối NiN dùng ReLU, nhận được {_activations(block)}."


@pytest.mark.check(cell="test_nin", points=2)
def test_nin_layers(layer_table):
    """NiN trên ảnh 224×224×1: đúng các tầng, kích thước đầu ra và 1.992.166 tham số, với batch 1 và 3."""
    layer_table("nin")
