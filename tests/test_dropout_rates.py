"""Dropout rates measured in training mode on the judge's weights: the declared rate is not
taken on the runner's word."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.judge import verifier
from autograder.judge.dropout_rates import check_dropout_rates, measured_rates
from autograder.judge.layer_tables import VerifiedModel

INPUT = (4, 4, 1)


class InProcessRunner:
    """Answers ``forward`` with a Keras model built here (the probe's own code), so the
    experiment runs end to end without a sandbox."""

    def __init__(self, builder):
        self.builder = builder

    def probe(self, name, **request):
        from autograder.runner.probes import probe_forward

        assert name == "forward"
        return probe_forward({"net": self.builder}, "net", request["inputs"],
                             request["weights"], request.get("kwargs"),
                             request.get("training", False))

    def array(self, value, what):
        return np.asarray(value)


def _mlp(dropout=None):
    """``net(dropout1, dropout2)``: Flatten, Dense(32, relu), Dropout, Dense(32, relu),
    Dropout, Dense(10), with Keras' Dropout or the given class."""
    import keras

    layer = dropout or keras.layers.Dropout

    def net(dropout1=0.2, dropout2=0.5):
        L = keras.layers
        return keras.Sequential([L.Flatten(), L.Dense(32, activation="relu"), layer(dropout1),
                                 L.Dense(32, activation="relu"), layer(dropout2), L.Dense(10)])

    return net


def _verified(builder, **kwargs):
    from autograder.runner.probes import _layer_summary

    model = builder(**kwargs)
    model(np.zeros((1, *INPUT), "float32"))
    rows = [_layer_summary(layer, None) for layer in model.layers]
    return VerifiedModel({}, verifier.trace(verifier.parse_table(rows), INPUT))


@pytest.mark.slow
def test_the_rates_a_network_drops_are_measured_layer_by_layer():
    net = _mlp()
    model = _verified(net, dropout1=0.3, dropout2=0.6)
    rates = check_dropout_rates(InProcessRunner(net), "net", model, INPUT, [0.3, 0.6], "net()",
                                {"dropout1": 0.3, "dropout2": 0.6})
    assert rates[0] == pytest.approx(0.3, abs=0.04)
    assert rates[1] == pytest.approx(0.6, abs=0.03)


@pytest.mark.slow
def test_swapped_rates_and_a_layer_that_ignores_its_rate_are_caught():
    import keras

    net = _mlp()
    model = _verified(net, dropout1=0.3, dropout2=0.6)
    with pytest.raises(AssertionError, match="tỉ lệ được truyền vào"):
        check_dropout_rates(InProcessRunner(net), "net", model, INPUT, [0.6, 0.3], "net()",
                            {"dropout1": 0.3, "dropout2": 0.6})

    class HalfDropout(keras.layers.Layer):
        """Declares its rate, always drops half."""

        def __init__(self, rate, **kwargs):
            super().__init__(**kwargs)
            self.rate = rate

        def call(self, x, training=None):
            return keras.random.dropout(x, 0.5) if training else x

        def get_config(self):
            return {**super().get_config(), "rate": self.rate}

    HalfDropout.__name__ = HalfDropout.__qualname__ = "Dropout"
    lying = _mlp(HalfDropout)
    model = _verified(lying, dropout1=0.3, dropout2=0.6)
    assert [item.layer.config.get("rate") for item in model.layers
            if item.layer.kind == "Dropout"] == [0.3, 0.6]  # the table's word
    with pytest.raises(AssertionError, match=r"bỏ khoảng \[0\.[45]\d*, 0\.[45]"):
        check_dropout_rates(InProcessRunner(lying), "net", model, INPUT, [0.3, 0.6], "net()",
                            {"dropout1": 0.3, "dropout2": 0.6})


def test_rates_follow_from_the_surviving_fractions_last_layer_first():
    assert measured_rates([0.28, 0.4]) == pytest.approx([0.3, 0.6])
    assert measured_rates([0.0, 0.0]) == [None, 1.0]
