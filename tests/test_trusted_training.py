"""Training by trusted code: the judge rebuilds the verified layers in Keras, trains them
from its own seed and predicts held-out data; a setting it cannot train is named."""

from __future__ import annotations

import numpy as np
import pytest
from test_verifier import LENET, row, traced

from autograder.config import Limits
from autograder.judge import trusted_training, verifier
from autograder.judge.layer_tables import VerifiedModel

LIMITS = Limits()


def verified(rows, input_shape) -> VerifiedModel:
    return VerifiedModel({}, traced(rows, input_shape))


OWN_LAYERS = [row("Conv2D", filters=4, kernel_size=[3, 3], padding="same"),
              row("BatchNorm", own=True, momentum=0.8, epsilon=1e-4),
              row("Activation", activation="relu"),
              row("MaxPooling2D", pool_size=[2, 2], strides=[2, 2]),
              row("Flatten"), row("Dropout", own=True, rate=0.3), row("Dense", units=10)]


@pytest.mark.slow
@pytest.mark.parametrize(("rows", "input_shape"), [
    (LENET, (28, 28, 1)),
    (OWN_LAYERS, (8, 8, 1)),
    ([row("Sequential", children=[row("Conv2D", filters=3, kernel_size=[2, 2], strides=[2, 2],
                                      activation="tanh", use_bias=False),
                                  row("BatchNormalization", epsilon=1e-3, center=False)]),
      row("AveragePooling2D", pool_size=[2, 2], strides=[1, 1], padding="same"),
      row("GlobalAveragePooling2D"), row("Dropout", rate=0.5), row("ReLU"),
      row("Reshape", target_shape=[3, 1]), row("Flatten"),
      row("Dense", units=2, activation="softmax")], (6, 6, 2)),
], ids=["lenet", "own layers", "nested and the rest"])
def test_the_rebuild_computes_what_the_verifier_computes(rows, input_shape):
    model = verified(rows, input_shape)
    net = trusted_training.build(model)
    rng = np.random.default_rng(5)
    weights = verifier.draw_weights(model.layers, rng)
    net.set_weights(weights)  # refuses any other number or shape of weights
    x = rng.uniform(size=(3, *input_shape)).astype("float32")
    np.testing.assert_allclose(np.asarray(net(x, training=False)),
                               verifier.run(model.layers, weights, x), rtol=1e-4, atol=1e-5)


@pytest.mark.slow
def test_the_students_layers_become_the_reference_ones_with_their_declared_settings():
    net = trusted_training.build(verified(OWN_LAYERS, (8, 8, 1)))
    kinds = [type(layer).__name__ for layer in net.layers]
    assert kinds == ["Conv2D", "BatchNormalization", "Activation", "MaxPooling2D", "Flatten",
                     "Dropout", "Dense"]
    norm, dropout = net.layers[1], net.layers[5]
    assert (norm.momentum, norm.epsilon, dropout.rate) == (0.8, 1e-4, 0.3)


@pytest.mark.slow
@pytest.mark.parametrize(("layer", "why"), [
    (row("Dropout", own=True), "không khai báo rate"),
    (row("Dropout", own=True, rate=1.5), "rate = 1.5"),
    (row("BatchNorm", own=True, momentum=-0.1), "momentum = -0.1"),
    (row("Dropout", rate=0.5, noise_shape=[1, 4]), "noise_shape"),
])
def test_a_setting_it_cannot_train_is_named(layer, why):
    model = verified([row("Flatten"), layer, row("Dense", units=2)], (4,))
    with pytest.raises(verifier.Unverifiable, match=why):
        trusted_training.build(model)
    data = (np.zeros((4, 4), "float32"), np.zeros(4, "int32"))
    with pytest.raises(AssertionError, match="không huấn luyện được mô hình đã khai báo"):
        trusted_training.fit_predict(model, {"seed": 1, "optimizer": "sgd",
                                             "learning_rate": 0.1, "epochs": 1,
                                             "batch_size": 2}, *data, data[0], limits=LIMITS)


def _blobs(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian classes in 6 dimensions, 4 standard deviations apart."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, n)
    return (rng.normal(size=(n, 6)) + 2.0 * (2 * labels[:, None] - 1)).astype("float32"), labels


@pytest.mark.slow
def test_it_trains_from_the_recipes_seed_and_scores_held_out_labels():
    model = verified([row("Dense", units=8, activation="relu"), row("Dropout", own=True, rate=0.2),
                      row("Dense", units=2)], (6,))
    recipe = {"seed": 3, "optimizer": "adam", "learning_rate": 0.01, "epochs": 5,
              "batch_size": 16}
    (x_train, y_train), (x_test, y_test) = _blobs(1, 256), _blobs(2, 128)
    first = trusted_training.fit_predict(model, recipe, x_train, y_train, x_test, limits=LIMITS)
    again = trusted_training.fit_predict(model, recipe, x_train, y_train, x_test, limits=LIMITS)
    np.testing.assert_array_equal(first.outputs, again.outputs)
    assert len(first.loss_history) == 5
    assert first.loss_history[-1] < first.loss_history[0]
    accuracy = trusted_training.held_out_accuracy(
        model, recipe, ((x_train, y_train), (x_test, y_test)), "net()", limits=LIMITS, classes=2)
    assert accuracy > 0.95


def test_a_model_without_one_logit_per_class_fails_before_any_training():
    model = verified([row("Flatten"), row("Dense", units=5)], (28, 28, 1))
    with pytest.raises(AssertionError, match="phải cho 10 logit cho mỗi ảnh.*\\(5,\\)"):
        trusted_training.held_out_accuracy(model, {"seed": 1}, (([], []), ([], [])), "lenet()",
                                           limits=LIMITS)


def test_a_recipe_key_it_does_not_know_is_a_grader_mistake():
    model = verified([row("Flatten"), row("Dense", units=10)], (4,))
    with pytest.raises(ValueError, match="unknown recipe keys \\['epoch'\\]"):
        trusted_training.fit_predict(model, {"seed": 1, "epoch": 3}, *([np.zeros((1, 4))] * 3),
                                     limits=LIMITS)


@pytest.mark.slow
def test_a_declared_weight_penalty_is_trained_with_as_keras_wires_it():
    """The rows come from the runner's own table code on Keras' own layers."""
    import keras

    from autograder.runner.probes import _layer_summary

    layers = [keras.layers.Dense(3, kernel_regularizer=keras.regularizers.L2(3.0),
                                 bias_regularizer=keras.regularizers.L1L2(l1=0.1, l2=0.2)),
              keras.layers.Dense(1, kernel_regularizer=keras.regularizers.L1(0.5))]
    keras.Sequential(layers)(np.zeros((1, 4), "float32"))
    rows = [_layer_summary(layer, None) for layer in layers]
    net = trusted_training.build(verified(rows, (4,)))
    first, second = net.layers
    assert first.kernel_regularizer.get_config() == {"l2": 3.0}
    assert first.bias_regularizer.get_config() == pytest.approx({"l1": 0.1, "l2": 0.2})
    assert second.kernel_regularizer.get_config() == {"l1": 0.5}


@pytest.mark.slow
@pytest.mark.parametrize(("penalty", "why"), [
    ({"kernel_regularizer": {"module": "__main__", "class_name": "L2", "config": {"l2": 1.0}}},
     "kernel_regularizer phải là None hoặc keras.regularizers"),
    ({"kernel_regularizer": {"module": "keras.regularizers", "class_name": "L2",
                             "config": {"l2": -1.0}}}, "kernel_regularizer.l2 = -1.0"),
    ({"activity_regularizer": {"module": "keras.regularizers", "class_name": "L2",
                               "config": {"l2": 1.0}}}, "activity_regularizer"),
    ({"kernel_regularizer": {"module": "keras.regularizers", "class_name": "L2",
                             "config": {"l2": 10**400}}}, "kernel_regularizer.l2 = 1000"),
    ({"kernel_constraint": {"module": "keras.constraints", "class_name": "NonNeg",
                            "config": {}}}, "kernel_constraint"),
    ({"trainable": False}, "trainable = False"),
    ({"dtype": {"module": "keras", "class_name": "DTypePolicy",
                "config": {"name": "mixed_float16"}}}, "float32"),
])
def test_a_penalty_it_does_not_rebuild_is_named(penalty, why):
    model = verified([row("Dense", units=1, **penalty)], (4,))
    with pytest.raises(verifier.Unverifiable, match=why):
        trusted_training.build(model)


@pytest.mark.slow
def test_images_are_resized_batch_by_batch_to_the_size_the_model_was_verified_at():
    """With `resize`, 4 x 4 images are padded to 8 x 8 (the book's sizes are 224 and 96)."""
    model = verified([row("Flatten"), row("Dense", units=10)], (8, 8, 1))
    rng = np.random.default_rng(0)
    recipe = {"seed": 1, "optimizer": "sgd", "learning_rate": 0.1, "epochs": 1, "batch_size": 4,
              "scale": 1 / 255, "channel_axis": True, "resize": 8}
    trained = trusted_training.fit_predict(
        model, recipe, rng.integers(0, 256, (6, 4, 4), dtype=np.uint8),
        np.arange(6, dtype="int32"), rng.integers(0, 256, (3, 4, 4), dtype=np.uint8),
        limits=LIMITS)
    assert trained.outputs.shape == (3, 10)
    assert trained.weights[0].shape == (8 * 8, 10)
    assert len(trained.loss_history) == 1


@pytest.mark.slow
@pytest.mark.parametrize(("setting", "why"), [
    ({"gamma_regularizer": {"module": "keras.regularizers", "class_name": "L2",
                            "config": {"l2": 1.0}}}, "gamma_regularizer"),
    ({"beta_constraint": {"module": "keras.constraints", "class_name": "NonNeg",
                          "config": {}}}, "beta_constraint"),
])
def test_a_batch_norm_setting_that_trains_otherwise_is_named(setting, why):
    model = verified([row("BatchNormalization", epsilon=1e-3, **setting)], (4,))
    with pytest.raises(verifier.Unverifiable, match=why):
        trusted_training.build(model)


def test_the_training_cost_is_estimated_from_the_verified_shapes():
    """LeNet at 28 px: the kernels' sizes times their output positions, plus one operation
    per input value of every layer; a training step costs three forward passes."""
    model = verified(LENET, (28, 28, 1))
    kernels = (5 * 5 * 1 * 6 * 28 * 28 + 5 * 5 * 6 * 16 * 10 * 10
               + 400 * 120 + 120 * 84 + 84 * 10)
    inputs = (28 * 28 + 28 * 28 * 6 + 14 * 14 * 6 + 10 * 10 * 16 + 5 * 5 * 16 + 400 + 120
              + 84)
    recipe = {"epochs": 2, "batch_size": 8}
    cost = trusted_training.training_cost(model, recipe, n_train=100, n_test=10)
    assert cost.gmacs * 1e9 == pytest.approx((kernels + inputs) * (3 * 100 * 2 + 10))
    outputs = (28 * 28 * 6 + 14 * 14 * 6 + 10 * 10 * 16 + 5 * 5 * 16 + 400 + 120 + 84 + 10)
    expected_bytes = 4 * (4 * model.params + outputs * max(2 * 8, 10))
    assert cost.memory_mb * 2**20 == pytest.approx(expected_bytes)


@pytest.mark.parametrize(("limits", "why"), [
    (Limits(training_gmacs=1), "quá lớn để trình chấm huấn luyện: khoảng 3 tỉ"),
    (Limits(training_memory_mb=1), "cần khoảng 19 MiB bộ nhớ"),
])
def test_a_model_too_costly_to_train_is_the_students_failed_check_before_any_training(
        limits, why):
    """Refused from the estimate alone: no Keras, no training, no machine-hours."""
    model = verified([row("Flatten"), row("Dense", units=1000), row("Dense", units=10)],
                     (28, 28, 1))
    recipe = {"seed": 1, "optimizer": "sgd", "learning_rate": 0.1, "epochs": 1,
              "batch_size": 512}
    x = np.zeros((1200, 28, 28, 1), "float32")
    with pytest.raises(AssertionError, match=why):
        trusted_training.fit_predict(model, recipe, x, np.zeros(1200, "int32"), x[:10],
                                     limits=limits)


def test_an_optimizer_or_loss_it_does_not_know_is_a_grader_mistake():
    model = verified([row("Flatten"), row("Dense", units=10)], (4,))
    with pytest.raises(ValueError, match="optimizer must be one of"):
        trusted_training.fit_predict(model, {"seed": 1, "optimizer": "rmsprop", "epochs": 1,
                                             "batch_size": 1}, *([np.zeros((1, 4))] * 3),
                                     limits=LIMITS)
