"""Probe handlers: the only ways the judge can look at student code.

Runs on the untrusted side, inside the student's process. Each probe takes
plain data (JSON values and numpy arrays from the judge), reaches a name in the
student's namespace, and returns plain data. Nothing here decides a grade; the
judge checks what comes back. TensorFlow and Keras are imported lazily so that
a notebook that never imports them does not pay for them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

__all__ = ["PROBES", "StudentNameError", "to_wire"]

_MAX_REPR = 2000
_MAX_ITEMS = 1000


class StudentNameError(LookupError):
    """The notebook does not define the name a probe asked for."""


def to_wire(value: Any, depth: int = 0) -> Any:
    """Convert a student value to data the protocol can carry.

    Tensors become numpy arrays; containers are converted item by item (capped);
    anything else becomes ``{"__object__": type name, "repr": short repr}``.
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return value[:_MAX_REPR]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value if value.dtype.kind in "biuf" else _describe_object(value)
    if depth < 4 and isinstance(value, list | tuple):
        return [to_wire(v, depth + 1) for v in list(value)[:_MAX_ITEMS]]
    if depth < 4 and isinstance(value, Mapping):
        items = list(value.items())[:_MAX_ITEMS]
        return {str(k)[:200]: to_wire(v, depth + 1) for k, v in items}
    numpy_method = getattr(value, "numpy", None)
    if callable(numpy_method):
        try:
            return to_wire(np.asarray(numpy_method()), depth + 1)
        except Exception:  # noqa: BLE001 - a student object may refuse
            return _describe_object(value)
    return _describe_object(value)


def _describe_object(value: Any) -> dict[str, str]:
    try:
        text = repr(value)[:_MAX_REPR]
    except Exception:  # noqa: BLE001
        text = "<repr failed>"
    return {"__object__": type(value).__name__, "repr": text}


def _resolve(namespace: Mapping[str, Any], name: str) -> Any:
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"probe target must be an identifier. Received: target={name!r}")
    if name not in namespace:
        raise StudentNameError(f"notebook does not define `{name}`")
    return namespace[name]


def _as_tensor(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        import tensorflow as tf

        return tf.constant(value)
    return value


def probe_call(ns: Mapping[str, Any], target: str, args: list[Any] | None = None,
               kwargs: dict[str, Any] | None = None, tensors: bool = True) -> Any:
    """Call ``target(*args, **kwargs)``; arrays become tensors unless ``tensors`` is false."""
    function = _resolve(ns, target)
    convert = _as_tensor if tensors else (lambda v: v)
    result = function(*[convert(a) for a in args or []],
                      **{k: convert(v) for k, v in (kwargs or {}).items()})
    return to_wire(result)


def probe_layer(ns: Mapping[str, Any], target: str, inputs: np.ndarray,
                calls: list[dict[str, Any]], init_args: list[Any] | None = None,
                init_kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build ``target(*init_args, **init_kwargs)`` once and call it once per entry of ``calls``.

    Each entry holds the keyword arguments of one call (``{}`` for a bare call).
    Returns the outputs, the layer's ``get_config()`` and its class ancestry.
    """
    import tensorflow as tf

    layer = _resolve(ns, target)(*(init_args or []), **(init_kwargs or {}))
    x = tf.constant(inputs)
    outputs = [to_wire(layer(x, **call)) for call in calls]
    get_config = getattr(layer, "get_config", None)
    config = to_wire(get_config()) if callable(get_config) else None
    return {"outputs": outputs, "config": config, "ancestry": _ancestry(layer)}


def probe_gradient(ns: Mapping[str, Any], target: str, x: np.ndarray, upstream: np.ndarray,
                   args: list[Any] | None = None, kwargs: dict[str, Any] | None = None,
                   layer_init: list[Any] | None = None) -> dict[str, Any]:
    """Return ``y = f(x, *args, **kwargs)`` and ``d sum(y * upstream) / dx`` from one tape.

    When ``layer_init`` is given, ``target`` is a layer class built with those
    positional arguments and ``f`` is the built layer.
    """
    import tensorflow as tf

    function = _resolve(ns, target)
    if layer_init is not None:
        function = function(*layer_init)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = function(xt, *(args or []), **(kwargs or {}))
        total = tf.reduce_sum(tf.cast(y, xt.dtype) * tf.constant(upstream, dtype=xt.dtype))
    grad = tape.gradient(total, xt)
    return {"output": to_wire(y), "grad": None if grad is None else to_wire(grad)}


def probe_describe(ns: Mapping[str, Any], builder: str, input_shape: list[int],
                   kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build a model with ``builder(**kwargs)`` and describe it layer by layer.

    For a ``keras.Sequential`` the zero input is passed through the layers one
    by one so each layer's output shape is observed, not declared.
    """
    import keras

    model = _resolve(ns, builder)(**(kwargs or {}))
    x = np.zeros(input_shape, dtype="float32")
    model_output = model(x)  # builds the model, so count_params() works
    layers = []
    if isinstance(model, keras.Sequential):
        for layer in model.layers:
            x = layer(x)
            layers.append(_layer_summary(layer, list(x.shape)))
        output_shape = list(x.shape)
    else:
        output_shape = list(model_output.shape)
        layers = [_layer_summary(layer, None) for layer in getattr(model, "layers", [])]
    return {"ancestry": _ancestry(model), "layers": layers, "output_shape": output_shape,
            "params": int(model.count_params())}


def probe_fit_predict(ns: Mapping[str, Any], builder: str, recipe: dict[str, Any],
                      x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray,
                      kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """Train ``builder(**kwargs)`` with the judge's recipe and predict ``x_test``.

    The recipe fixes seed, optimizer, learning rate, loss, epochs, batch size and
    input scaling; the student supplies only the model. Labels of ``x_test`` are
    never sent here.
    """
    import keras

    keras.utils.set_random_seed(int(recipe["seed"]))
    model = _resolve(ns, builder)(**(kwargs or {}))
    optimizers = {"sgd": keras.optimizers.SGD, "adam": keras.optimizers.Adam}
    model.compile(
        optimizer=optimizers[recipe["optimizer"]](learning_rate=float(recipe["learning_rate"])),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    scale = float(recipe.get("scale", 1.0))
    prepare = _image_preparer(scale, bool(recipe.get("channel_axis", False)))
    history = model.fit(prepare(x_train), y_train, epochs=int(recipe["epochs"]),
                        batch_size=int(recipe["batch_size"]), shuffle=True, verbose=0)
    logits = model.predict(prepare(x_test), batch_size=1024, verbose=0)
    return {"logits": np.asarray(logits, dtype="float32"),
            "loss_history": [float(v) for v in history.history.get("loss", [])]}


def probe_spy_training(ns: Mapping[str, Any], target: str, x: np.ndarray, y: np.ndarray,
                       steps: int, learning_rate: float) -> dict[str, Any]:
    """Run the student's ``target(net, X, y, loss_fn, optimizer)`` on a spy network.

    The spy records the ``training`` argument of every call, so the judge can
    tell a training step that runs the network in inference mode (the d2l
    TensorFlow bug) from one that trains with dropout active.
    """
    import keras

    keras.utils.set_random_seed(0)
    spy = _spy_model(x.shape[1:])
    before = [np.array(w) for w in spy.get_weights()]
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    step = _resolve(ns, target)
    losses = [to_wire(step(spy, x, y, loss_fn, optimizer)) for _ in range(steps)]
    changed = any(not np.array_equal(b, a) for b, a in zip(before, spy.get_weights(), strict=True))
    flags = [flag if flag is None or isinstance(flag, bool) else repr(flag)[:50]
             for flag in spy.seen_training]
    return {"training_flags": flags, "losses": losses, "weights_changed": changed}


def _spy_model(input_shape: tuple[int, ...]) -> Any:
    import keras

    class SpyModel(keras.Model):  # type: ignore[misc]
        """A tiny classifier that remembers the ``training`` flag of each call."""

        def __init__(self) -> None:
            super().__init__()
            self.seen_training: list[Any] = []
            self.flatten = keras.layers.Flatten()
            self.hidden = keras.layers.Dense(16, activation="relu")
            self.out = keras.layers.Dense(10)

        def call(self, inputs: Any, training: Any = None) -> Any:
            self.seen_training.append(training)
            return self.out(self.hidden(self.flatten(inputs)))

    spy = SpyModel()
    spy(np.zeros((1, *input_shape), dtype="float32"))
    spy.seen_training.clear()
    return spy


def _image_preparer(scale: float, channel_axis: bool) -> Callable[[np.ndarray], np.ndarray]:
    def prepare(images: np.ndarray) -> np.ndarray:
        prepared = images.astype("float32") * scale
        return prepared[..., None] if channel_axis else prepared

    return prepare


def _ancestry(obj: Any) -> list[str]:
    return [f"{cls.__module__}.{cls.__qualname__}" for cls in type(obj).__mro__][:30]


def _layer_summary(layer: Any, output_shape: list[Any] | None) -> dict[str, Any]:
    trainable = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
    try:
        config = to_wire(layer.get_config())
    except Exception:  # noqa: BLE001 - a student layer may lack get_config
        config = None
    return {"class": type(layer).__name__, "ancestry": _ancestry(layer),
            "output_shape": output_shape, "params": int(layer.count_params()),
            "trainable_params": trainable, "config": config}


#: Probe name → handler; the judge can ask for these and nothing else.
PROBES: dict[str, Callable[..., Any]] = {
    "call": probe_call,
    "layer": probe_layer,
    "gradient": probe_gradient,
    "describe": probe_describe,
    "fit_predict": probe_fit_predict,
    "spy_training": probe_spy_training,
}
