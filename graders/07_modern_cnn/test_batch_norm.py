"""Hidden checks of batch normalization from scratch (cells test_batch_norm, test_bn_lenet).

The judge's float64 reference has the semantics of
keras.layers.BatchNormalization(momentum=0.9) with the epsilon the checks pass in, from
moving statistics the judge sets: the book's epsilon (1e-12), the common 1e-5 and either
starting moving variance (the book's ones, the slides' zeros) all earn full marks. BN-LeNet's
accuracy is the judge's own training of a rebuild of the verified layers
(autograder.judge.trusted_training).
"""

import numpy as np
import pytest
import reference

from autograder.judge.expect import expect_close
from autograder.judge.layer_tables import verify_model
from autograder.judge.trusted_training import held_out_accuracy

CELL = "test_batch_norm"
#: The epsilon the checks build BatchNorm with, passed in so that a layer's default (the
#: book's 1e-12, the common 1e-5) does not matter; large enough that ignoring it shows.
EPS = 1e-3
LAYER_KWARGS = {"dtype": "float64", "epsilon": EPS}
EPS_HINT = ("BatchNorm(epsilon=...) phải dùng epsilon được truyền vào (trình chấm truyền "
            f"epsilon={EPS:g}).")


def _start(rng, channels, gamma=None, beta=None):
    """Starting weights the judge sets: gamma, beta (1 and 0 unless given) and moving
    statistics drawn here, so that either initial moving variance is accepted."""
    return [np.ones(channels) if gamma is None else gamma,
            np.zeros(channels) if beta is None else beta,
            rng.normal(size=channels), rng.uniform(0.5, 2.0, channels)]


def _run(runner, inputs, calls, weights):
    result = runner.probe("layer", target="BatchNorm", init_kwargs=LAYER_KWARGS, inputs=inputs,
                          calls=calls, weights=weights)
    return [runner.array(o, "BatchNorm") for o in result["outputs"]], result["weights"]


def _reference(inputs, trainings, weights):
    return reference.batch_norm_run(inputs, trainings, *weights, eps=EPS)


@pytest.mark.check(cell=CELL, points=1)
def test_batch_norm_formula(runner, rng):
    """batch_norm(X, gamma, beta, mean, var, eps) = gamma·(X − mean)/sqrt(var + eps) + beta, theo trục kênh cuối."""
    x = rng.normal(size=(4, 3, 3, 5))
    gamma, beta, mean, var = rng.normal(size=5), rng.normal(size=5), rng.normal(size=5), rng.uniform(0.5, 2, 5)
    expect_close(runner.array(runner.call("batch_norm", x, gamma, beta, mean, var, 1e-3),
                              "batch_norm"),
                 reference.normalize(x, gamma, beta, mean, var, eps=1e-3),
                 f"batch_norm trên X {x.shape}", rtol=1e-10, atol=1e-10,
                 hint="Cần gamma·(X − mean)/sqrt(var + eps) + beta.")


@pytest.mark.check(cell=CELL, points=1)
def test_training_mode_normalizes_each_channel(runner, rng):
    """Ở chế độ huấn luyện, mỗi kênh có trung bình 0 và độ lệch chuẩn 1 trên (N, H, W) (4 chiều) hoặc trên N (2 chiều)."""
    for shape in ((8, 5, 5, 3), (64, 4)):
        x = rng.normal(loc=rng.uniform(-5, 5, shape[-1]), scale=rng.uniform(0.5, 4, shape[-1]), size=shape)
        start = _start(rng, shape[-1])
        (out,), _ = _run(runner, x, [{"training": True}], start)
        axes = tuple(range(len(shape) - 1))
        assert out.shape == x.shape, f"BatchNorm phải giữ kích thước {shape}, nhận được {out.shape}."
        assert np.allclose(out.mean(axis=axes), 0, atol=1e-6), (
            f"Đầu vào {shape}, chế độ huấn luyện: trung bình từng kênh là {np.round(out.mean(axis=axes), 4)}, "
            "cần 0 (chuẩn hóa theo mọi trục trừ trục kênh cuối).")
        var = x.var(axis=axes)
        want_std = np.sqrt(var / (var + EPS))  # 1 but for epsilon
        assert np.allclose(out.std(axis=axes), want_std, atol=1e-6), (
            f"Đầu vào {shape}, chế độ huấn luyện: độ lệch chuẩn từng kênh là {np.round(out.std(axis=axes), 4)}, "
            f"cần {np.round(want_std, 4)}, tức 1 trừ phần do eps = {EPS:g} (phương sai lệch, chia cho N).")
        want, _, _ = _reference([x], [True], start)
        assert np.allclose(out, want[0], rtol=1e-6, atol=1e-8), (
            f"Đầu ra ở chế độ huấn luyện khác công thức. {EPS_HINT}")


@pytest.mark.check(cell=CELL, points=1)
def test_inference_uses_moving_statistics(runner, rng):
    """Khi training là False hoặc None, BatchNorm dùng thống kê trượt, không dùng thống kê của batch."""
    xs = [rng.normal(loc=2.0, scale=3.0, size=(16, 4)) for _ in range(3)]
    inputs, trainings = [xs[0], xs[1], xs[2], xs[2]], [True, True, False, None]
    calls = [{"training": True}, {"training": True}, {"training": False}, {}]
    start = _start(rng, 4)
    outs, _ = _run(runner, inputs, calls, start)
    want, _, _ = _reference(inputs, [bool(t) for t in trainings], start)
    for out, expected, how in ((outs[2], want[2], "training=False"), (outs[3], want[3], "không truyền training")):
        assert np.allclose(out, expected, rtol=1e-6, atol=1e-8), (
            f"Gọi với {how} sau hai bước huấn luyện: đầu ra phải dùng moving_mean và moving_variance.")


@pytest.mark.check(cell=CELL, points=1)
def test_moving_statistics_follow_momentum(runner, rng):
    """Mỗi bước huấn luyện cập nhật moving = 0.9·moving + 0.1·thống kê của batch (phương sai lệch), từ thống kê trượt trình chấm đặt; gamma, beta, moving_mean, moving_variance theo thứ tự đó."""
    xs = [rng.normal(loc=rng.uniform(-3, 3, 3), scale=2.0, size=(6, 4, 4, 3)) for _ in range(3)]
    start = _start(rng, 3)
    _, weights = _run(runner, xs, [{"training": True}] * 3, start)
    names = [w["name"] for w in weights]
    assert names == ["gamma", "beta", "moving_mean", "moving_variance"], (
        f"Các biến của BatchNorm là {names}, cần ['gamma', 'beta', 'moving_mean', 'moving_variance'] theo thứ tự đó.")
    assert [w["trainable"] for w in weights] == [True, True, False, False], (
        "gamma và beta được huấn luyện; moving_mean và moving_variance thì không (trainable=False).")
    _, mean, var = _reference(xs, [True] * 3, start)
    got_mean, got_var = (runner.array(w["value"], w["name"]) for w in weights[2:])
    for name, got, want in (("moving_mean", got_mean, mean), ("moving_variance", got_var, var)):
        assert np.allclose(got, want, rtol=1e-6, atol=1e-8), (
            f"Sau ba bước huấn luyện, {name} = {np.round(got, 4)}, cần {np.round(want, 4)} "
            "(momentum 0.9 trên giá trị cũ, 0.1 trên thống kê của batch).")


@pytest.mark.check(cell=CELL, points=1)
def test_matches_keras_semantics_with_scale_and_shift(runner, rng):
    """Với gamma, beta bất kỳ, BatchNorm giống keras.layers.BatchNormalization(momentum=0.9, epsilon=...) ở cả hai chế độ, với epsilon trình chấm truyền vào."""
    xs = [rng.normal(loc=1.0, scale=2.0, size=(5, 3, 3, 3)) for _ in range(3)]
    weights = _start(rng, 3, gamma=rng.normal(size=3), beta=rng.normal(size=3))
    outs, _ = _run(runner, xs, [{"training": True}, {"training": True}, {"training": False}], weights)
    want, _, _ = _reference(xs, [True, True, False], weights)
    for step, (out, expected) in enumerate(zip(outs, want, strict=True)):
        assert np.allclose(out, expected, rtol=1e-6, atol=1e-8), (
            f"Lần gọi thứ {step + 1} (gamma, beta ngẫu nhiên) khác BatchNormalization của Keras: "
            f"đầu ra = gamma·(X − mean)/sqrt(var + epsilon) + beta, với epsilon = {EPS:g} "
            "được truyền vào.")


@pytest.mark.check(cell=CELL, points=1)
def test_training_gradient(runner, rng):
    """Đạo hàm của BatchNorm (chế độ huấn luyện) theo X đúng bằng đạo hàm giải tích, kể cả phần đi qua trung bình và phương sai của batch."""
    x, upstream = rng.normal(size=(6, 3, 3, 2)), rng.normal(size=(6, 3, 3, 2))
    result = runner.probe("gradient", target="BatchNorm", x=x, upstream=upstream,
                          layer_kwargs=LAYER_KWARGS, kwargs={"training": True})
    assert result["grad"] is not None, "tf.GradientTape không lấy được đạo hàm của BatchNorm theo X."
    expect_close(runner.array(result["grad"], "đạo hàm của BatchNorm"),
                 reference.batch_norm_grad(x, 1.0, upstream, eps=EPS),
                 "Đạo hàm của BatchNorm theo X",
                 rtol=1e-6, atol=1e-9,
                 hint="Trung bình và phương sai của batch phụ thuộc X, đừng chặn gradient qua "
                      "chúng.")


@pytest.mark.check(cell="test_bn_lenet", points=2)
def test_bn_lenet_layers(layer_table):
    """LeNet với BatchNorm: đúng các tầng và kích thước (tích chập không đệm), 45.330 tham số (44.878 được huấn luyện), với batch 1 và 3."""
    layer_table("bn_lenet")


@pytest.mark.check(cell="test_bn_lenet", points=2)
def test_bn_lenet_accuracy(runner, rng, profile, fashion_mnist):
    """Trình chấm tự huấn luyện các tầng của bn_lenet() (BatchNorm theo công thức tham chiếu, với momentum và epsilon bạn khai báo) và đo độ chính xác trên ảnh kiểm tra."""
    recipe = dict(profile.recipe["bn_lenet"]) | {"seed": profile.recipe["seed"], "scale": 1 / 255,
                                                 "channel_axis": True}
    model = verify_model(runner, "bn_lenet", (28, 28, 1), rng)
    accuracy = held_out_accuracy(model, recipe, fashion_mnist, "bn_lenet()",
                                 limits=profile.limits)
    limit = profile.thresholds["bn_lenet_test_accuracy"]
    assert accuracy >= limit, (
        f"Sau khi trình chấm huấn luyện các tầng của bn_lenet() ({recipe['epochs']} epoch), độ "
        f"chính xác trên {len(fashion_mnist[1][1])} ảnh kiểm tra là {accuracy:.3f}, cần ≥ {limit}.")
