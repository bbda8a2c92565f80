"""The trusted rebuild of a described model: it derives what the table claims and computes
it as Keras does, or says why not."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.judge import verifier
from autograder.judge.verifier import Unverifiable

from grading_helpers import rebuild_and_run

RNG = np.random.default_rng(0)


def row(kind, own=False, children=None, **config):
    """A ``describe`` row as the runner sends it."""
    ancestry = [f"__main__.{kind}"] if own else [f"keras.src.layers.{kind}"]
    result = {"class": kind, "ancestry": ancestry, "output_shape": None, "params": 0,
              "trainable_params": 0, "config": config}
    if children is not None:
        result["children"] = children
    return result


def traced(rows, input_shape):
    return verifier.trace(verifier.parse_table(rows), input_shape)


LENET = [row("Conv2D", filters=6, kernel_size=[5, 5], padding="same", activation="sigmoid"),
         row("AveragePooling2D", pool_size=[2, 2], strides=[2, 2]),
         row("Conv2D", filters=16, kernel_size=[5, 5], activation="sigmoid"),
         row("AveragePooling2D", pool_size=[2, 2], strides=[2, 2]),
         row("Flatten"), row("Dense", units=120, activation="sigmoid"),
         row("Dense", units=84, activation="sigmoid"), row("Dense", units=10)]


def test_it_derives_the_books_lenet_shapes_and_parameter_count_from_the_table():
    layers = traced(LENET, (28, 28, 1))
    assert [item.output_shape for item in layers] == [
        (28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16), (400,), (120,), (84,), (10,)]
    assert sum(item.params for item in layers) == 61_706


def test_a_nested_sequential_is_traced_through_its_children():
    block = row("Sequential", children=[
        row("Conv2D", filters=8, kernel_size=[3, 3], padding="same", activation="relu"),
        row("Conv2D", filters=8, kernel_size=[3, 3], padding="same", activation="relu"),
        row("MaxPooling2D", pool_size=[2, 2], strides=[2, 2])])
    (item,) = traced([block], (12, 12, 4))
    assert item.output_shape == (6, 6, 8)
    assert item.params == 880
    assert [w.shape for w in item.all_weights] == [(3, 3, 4, 8), (8,), (3, 3, 8, 8), (8,)]


def test_the_students_batchnorm_is_run_with_the_reference_formula():
    layers = traced([row("BatchNorm", own=True, epsilon=1e-5)], (3,))
    gamma, beta, mean, var = (np.float32([1.5, 2, 0.5]), np.float32([0, 1, -1]),
                              np.float32([0.1, 0.2, 0.3]), np.float32([1, 4, 0.25]))
    x = RNG.normal(size=(4, 3)).astype("float32")
    expected = gamma * (x - mean) / np.sqrt(var + 1e-5) + beta
    np.testing.assert_allclose(verifier.run(layers, [gamma, beta, mean, var], x), expected,
                               rtol=1e-6)


def test_a_table_that_hides_an_activation_does_not_reproduce_the_model():
    honest = traced(LENET, (28, 28, 1))
    lying = traced([*LENET[:-2], row("Dense", units=84), LENET[-1]], (28, 28, 1))
    weights = verifier.draw_weights(honest, RNG)
    x = RNG.uniform(size=(2, 28, 28, 1)).astype("float32")
    assert not np.allclose(verifier.run(honest, weights, x), verifier.run(lying, weights, x),
                           rtol=1e-3, atol=1e-3)


def test_drawn_weights_have_the_traced_shapes_and_refuse_a_model_too_large_to_send():
    layers = traced(LENET, (28, 28, 1))
    weights = verifier.draw_weights(layers, np.random.default_rng(1))
    assert [w.shape for w in weights] == [w.shape for item in layers for w in item.all_weights]
    assert all(w.dtype == np.float16 for w in weights)  # exact in float32, half the bytes
    huge = traced([row("Flatten"), row("Dense", units=70_000)], (1000,))
    with pytest.raises(Unverifiable, match="quá"):
        verifier.draw_weights(huge, RNG)


@pytest.mark.parametrize(("rows", "why"), [
    ([row("Conv3D", filters=2, kernel_size=[1, 1, 1])], "không phải tầng"),
    ([row("MyBlock", own=True)], "tự viết"),
    ([row("Dense", units=3, activation="hard_silu")], "hàm kích hoạt"),
    ([row("Dense", units=3, activation={"class_name": "Custom"})], "hàm kích hoạt"),
    ([row("Dense", units=3, lambda_fn="x")], "lambda_fn"),
    ([row("Conv2D", filters=2, kernel_size=[3, 3], dilation_rate=[2, 2])], "dilation_rate"),
    ([row("Conv2D", filters=2, kernel_size=[3, 3], groups=2)], "groups"),
    ([row("Conv2D", filters=2, kernel_size=[3, 3], data_format="channels_first")], "data_format"),
    ([row("Conv2D", filters=2, kernel_size=[9, 9])], "quá nhỏ"),
    ([row("ReLU", max_value=6.0)], "max_value"),
    ([row("BatchNormalization", axis=1)], "axis"),
    ([row("BatchNorm", own=True, epsilon="1e-5")], "epsilon"),
    ([row("Sequential", children=[row("Sequential", children=[])])], "một mức"),
    ([row("Sequential", children=[row("Sequential")])], "không kèm các tầng"),
])
def test_what_it_cannot_rebuild_is_named(rows, why):
    with pytest.raises(Unverifiable, match=why):
        traced(rows, (6, 6, 2))


def test_weights_of_other_shapes_are_refused():
    layers = traced(LENET, (28, 28, 1))
    weights = verifier.draw_weights(layers, RNG)
    with pytest.raises(Unverifiable, match="trọng số"):
        verifier.run(layers, weights[:-1], np.zeros((1, 28, 28, 1), "float32"))


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(k for k in verifier.ACTIVATIONS if k))
def test_each_activation_is_the_keras_function_of_that_name(name):
    """Truth from Keras: the activation a table names, with Keras' default arguments."""
    import keras

    x = np.concatenate([np.float32([-3, -1e-3, 0, 1e-3, 3]),
                        RNG.normal(scale=4, size=45).astype("float32")]).reshape(5, 10)
    expected = keras.ops.convert_to_numpy(keras.activations.get(name)(x))
    np.testing.assert_allclose(verifier.ACTIVATIONS[name](x), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_it_computes_what_keras_computes_for_every_layer_it_rebuilds():
    """Truth from Keras itself: each model's rows come from the runner's own table code."""
    import keras

    L = keras.layers
    models = {
        "conv/pool same and valid, strides": ((11, 13, 3), [
            L.Conv2D(4, 3, strides=2, padding="same", activation="relu"),
            L.MaxPooling2D(3, strides=2, padding="same"),
            L.Conv2D(5, (2, 3), padding="valid", activation="tanh", use_bias=False),
            L.AveragePooling2D(2, strides=1, padding="same"), L.Reshape((-1, 5)),
            L.Dense(7, activation="softmax")]),
        "bn, activations, global pooling": ((8, 8, 2), [
            L.Conv2D(6, 3, padding="same"), L.BatchNormalization(epsilon=1e-3),
            L.Activation("sigmoid"), L.ReLU(), L.AveragePooling2D(3, strides=2),
            L.Dropout(0.5), L.GlobalAveragePooling2D(), L.Dense(3)]),
        "nested blocks": ((12, 12, 1), [
            keras.Sequential([L.Conv2D(4, 3, padding="same", activation="relu"),
                              L.MaxPooling2D(2, 2)]),
            L.BatchNormalization(center=False), L.GlobalAveragePooling2D(keepdims=True),
            keras.Sequential([L.Flatten(), L.Dense(5, activation="relu"), L.Dense(2)])]),
        "a functional chain": ((5, 5, 2), None),
    }
    rng = np.random.default_rng(3)
    inputs = keras.Input((5, 5, 2))
    hidden = L.Dense(4, activation="relu")(L.Flatten()(inputs))
    functional = keras.Model(inputs, L.Dense(3)(hidden))
    for name, (input_shape, layers) in models.items():
        model = keras.Sequential(layers) if layers is not None else functional
        x = rng.uniform(size=(3, *input_shape)).astype("float32")
        derived, ours, theirs = rebuild_and_run(model, x, rng)
        np.testing.assert_allclose(ours, theirs,
                                   rtol=1e-4, atol=1e-5, err_msg=name)
        assert sum(item.params for item in derived) == model.count_params(), name


@pytest.mark.slow
def test_a_functional_graph_that_is_not_a_chain_does_not_match_its_table():
    """The table lists layers, not wiring: a skip connection makes the rebuild differ."""
    import keras

    from autograder.runner.probes import _layer_summary

    inputs = keras.Input((6,))
    hidden = keras.layers.Dense(6, activation="relu")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(6)(hidden) + inputs)
    x = np.random.default_rng(4).uniform(size=(3, 6)).astype("float32")
    rows = [_layer_summary(layer, None) for layer in model.layers
            if type(layer).__name__ in ("InputLayer", "Dense")]
    derived = verifier.trace(verifier.parse_table(rows), (6,))
    weights = verifier.draw_weights(derived, np.random.default_rng(5))
    model.set_weights(weights)
    assert not np.allclose(verifier.run(derived, weights, x), np.asarray(model(x)),
                           rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize(("rows", "why"), [
    ([row("BatchNorm", own=True, epsilon=10**400)], "epsilon"),
    ([row("BatchNorm", own=True, epsilon=float("nan"))], "epsilon"),
    ([row("Conv2D", filters=2, kernel_size=[3, 3], padding=np.array(["same", "valid"]))],
     "padding"),
])
def test_a_value_no_float_or_choice_can_hold_is_named_not_a_crash(rows, why):
    """Numbers too large for a float and arrays where a choice is read are the table's
    fault (Unverifiable), never an OverflowError or an ambiguous truth value."""
    with pytest.raises(Unverifiable, match=why):
        traced(rows, (6, 6, 2))
