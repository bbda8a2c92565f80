"""Hidden checks of the Inception block and GoogLeNet (cells test_inception, test_googlenet)."""

import numpy as np
import pytest
from reference import inception_params


@pytest.mark.check(cell="test_inception", points=2)
def test_inception_channels_and_parameters(runner):
    """Inception nối bốn nhánh theo trục kênh: c1 + c2[1] + c3[1] + c4 kênh, giữ nguyên cao/rộng (cả kích thước lẻ)."""
    for args, shape in (([64, [96, 128], [16, 32], 32], (2, 7, 7, 192)),
                        ([5, [4, 6], [2, 3], 7], (3, 9, 5, 4))):
        result = runner.probe("layer", target="Inception", init_args=args,
                              inputs=np.ones(shape, dtype="float32"), calls=[{}])
        out = runner.array(result["outputs"][0], "Inception")
        channels = args[0] + args[1][1] + args[2][1] + args[3]
        assert out.shape == (*shape[:3], channels), (
            f"Inception{tuple(args)} trên {shape} phải cho {(*shape[:3], channels)}, nhận được {out.shape}.")
        params = sum(int(np.size(w["value"])) for w in result["weights"])
        want = inception_params(shape[-1], *args)
        assert params == want, f"Inception{tuple(args)} với {shape[-1]} kênh vào có {params} tham số, cần {want}."
        assert (out >= 0).all(), "Mọi nhánh của Inception kết thúc bằng ReLU, nên đầu ra không âm."


@pytest.mark.check(cell="test_googlenet", points=2)
def test_googlenet_layers(layer_table):
    """GoogLeNet trên ảnh 96×96×1: năm giai đoạn, Dense(10), 5.977.530 tham số, với batch 1 và 3."""
    layer_table("googlenet")
