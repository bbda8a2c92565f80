"""Hidden check: the student's MLP trained by the judge itself (cell test_accuracy).

The judge verifies build_net()'s layers (autograder.judge.layer_tables) and measures that its
dropout layers drop the rates they declare (autograder.judge.dropout_rates), trains a rebuild
of them in its own process with the profile's recipe (the student's Dropout replaced by the
reference one; autograder.judge.trusted_training) and scores the held-out images, which
never reach the runner."""

import pytest

from autograder.judge.dropout_rates import check_dropout_rates
from autograder.judge.layer_tables import verify_model
from autograder.judge.trusted_training import held_out_accuracy

CELL = "test_accuracy"


@pytest.mark.check(cell=CELL, points=5)
def test_trained_accuracy(runner, rng, profile, fashion_mnist):
    """Trình chấm tự huấn luyện kiến trúc build_net() theo công thức của sách; độ chính xác trên tập kiểm tra phải đạt ngưỡng."""
    recipe = {k: profile.recipe[k] for k in
              ("seed", "optimizer", "learning_rate", "epochs", "batch_size", "scale",
               "channel_axis")}
    model = verify_model(runner, "build_net", (28, 28, 1), rng, batch=3)
    # The judge trains with the rates the layers declare, once it has measured that they
    # drop that much in training mode.
    declared = [item.layer.config.get("rate") for item in model.layers
                if item.layer.kind == "Dropout"]
    if all(isinstance(rate, float | int) and 0 <= rate <= 1 for rate in declared):
        check_dropout_rates(runner, "build_net", model, (28, 28, 1), declared, "build_net()")
    accuracy = held_out_accuracy(model, recipe, fashion_mnist, "build_net()",
                                 limits=profile.limits)
    threshold = profile.thresholds["test_accuracy"]
    assert accuracy >= threshold, (
        f"Sau khi trình chấm huấn luyện các tầng của build_net() ({recipe['epochs']} epoch), độ "
        f"chính xác trên tập kiểm tra là {accuracy:.3f}, cần ít nhất {threshold:.2f}."
    )
