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
_MAX_COLUMNS = 5000


class StudentNameError(LookupError):
    """The notebook does not define the name a probe asked for."""


def to_wire(value: Any, depth: int = 0) -> Any:
    """Convert a student value to data the protocol can carry.

    Tensors become numpy arrays; containers are converted item by item (capped);
    a pandas Series becomes a float64 array and a DataFrame becomes
    ``{"__frame__": {"columns": names, "dtypes": dtype names, "values": float64
    array, or None when a column is not numeric}}``; anything else becomes
    ``{"__object__": type name, "repr": short repr}``.
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
    if depth < 4 and _is_pandas(value, "DataFrame"):
        return {"__frame__": _frame_to_wire(value)}
    if depth < 4 and _is_pandas(value, "Series"):
        values = _float_values(value)
        return values if values is not None else _describe_object(value)
    numpy_method = getattr(value, "numpy", None)
    if callable(numpy_method):
        try:
            return to_wire(np.asarray(numpy_method()), depth + 1)
        except Exception:  # noqa: BLE001 - a student object may refuse
            return _describe_object(value)
    return _describe_object(value)


def _is_pandas(value: Any, name: str) -> bool:
    """True for a pandas ``DataFrame``/``Series`` (without importing pandas)."""
    cls = type(value)
    return cls.__name__ == name and cls.__module__.split(".")[0] == "pandas"


def _float_values(value: Any) -> np.ndarray | None:
    """A pandas object's values as float64, or None when some column is not numeric."""
    try:
        return np.asarray(value.to_numpy(dtype="float64"))
    except (TypeError, ValueError):
        return None


def _frame_to_wire(frame: Any) -> dict[str, Any]:
    """A DataFrame as column names, dtype names and float64 values (None if not all numeric)."""
    frame = frame.iloc[:, :_MAX_COLUMNS]
    return {"columns": [str(c)[:200] for c in frame.columns],
            "dtypes": [str(d)[:50] for d in frame.dtypes],
            "values": _float_values(frame)}


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
        raise StudentNameError(f"bài làm không định nghĩa `{name}`")
    return namespace[name]


def _as_tensor(value: Any) -> Any:
    """Arrays (also inside a list, e.g. a parameter list) become tensors."""
    if isinstance(value, np.ndarray):
        import tensorflow as tf

        return tf.constant(value)
    if isinstance(value, list) and value and all(isinstance(v, np.ndarray) for v in value):
        return [_as_tensor(v) for v in value]
    return value


def probe_call(ns: Mapping[str, Any], target: str, args: list[Any] | None = None,
               kwargs: dict[str, Any] | None = None, tensors: bool = True) -> Any:
    """Call ``target(*args, **kwargs)``; arrays become tensors unless ``tensors`` is false."""
    function = _resolve(ns, target)
    convert = _as_tensor if tensors else (lambda v: v)
    result = function(*[convert(a) for a in args or []],
                      **{k: convert(v) for k, v in (kwargs or {}).items()})
    return to_wire(result)


def probe_call_tables(ns: Mapping[str, Any], target: str, tables: list[str],
                      args: list[Any] | None = None,
                      kwargs: dict[str, Any] | None = None) -> Any:
    """Call ``target(*frames, *args, **kwargs)`` with the judge's tables as pandas DataFrames.

    Tables travel as CSV text and are parsed here with ``pandas.read_csv``
    (never pickles). DataFrames in the result come back as
    ``{"__frame__": {"columns", "dtypes", "values"}}`` (see ``to_wire``).
    """
    import io

    import pandas as pd

    frames = [pd.read_csv(io.StringIO(text)) for text in tables]
    result = _resolve(ns, target)(*frames, *(args or []), **(kwargs or {}))
    return to_wire(result)


def probe_layer(ns: Mapping[str, Any], target: str, inputs: np.ndarray | list[np.ndarray],
                calls: list[dict[str, Any]], init_args: list[Any] | None = None,
                init_kwargs: dict[str, Any] | None = None,
                weights: list[np.ndarray] | None = None) -> dict[str, Any]:
    """Build ``target(*init_args, **init_kwargs)`` once and call it once per entry of ``calls``.

    Each entry holds the keyword arguments of one call (``{}`` for a bare call).
    ``inputs`` is one array for every call, or one array per call. With
    ``weights``, the layer is built on the first input and ``set_weights(weights)``
    runs before the calls. Returns the outputs, the layer's weights after the
    calls (name, trainable, value, in ``get_weights`` order), its ``get_config()``
    and its class ancestry.
    """
    import tensorflow as tf

    layer = _resolve(ns, target)(*(init_args or []), **(init_kwargs or {}))
    per_call = inputs if isinstance(inputs, list) else [inputs] * len(calls)
    if len(per_call) != len(calls):
        raise ValueError(f"probe `layer` needs one input per call. Received: {len(per_call)} "
                         f"inputs for {len(calls)} calls")
    if weights is not None:
        layer(tf.constant(per_call[0]))
        layer.set_weights(weights)
    outputs = [to_wire(layer(tf.constant(x), **call)) for x, call in zip(per_call, calls,
                                                                         strict=True)]
    get_config = getattr(layer, "get_config", None)
    config = to_wire(get_config()) if callable(get_config) else None
    return {"outputs": outputs, "weights": _weights(layer), "config": config,
            "ancestry": _ancestry(layer)}


def _weights(layer: Any) -> list[dict[str, Any]]:
    """A layer's variables in ``get_weights`` order: short name, trainable flag, value."""
    return [{"name": str(getattr(v, "name", ""))[:200], "trainable": bool(v.trainable),
             "value": np.asarray(v.numpy())} for v in getattr(layer, "weights", [])]


def probe_gradient(ns: Mapping[str, Any], target: str, x: np.ndarray, upstream: np.ndarray,
                   args: list[Any] | None = None, kwargs: dict[str, Any] | None = None,
                   layer_init: list[Any] | None = None,
                   layer_kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return ``y = f(x, *args, **kwargs)`` and ``d sum(y * upstream) / dx`` from one tape.

    When ``layer_init`` or ``layer_kwargs`` is given, ``target`` is a layer class
    built with those arguments and ``f`` is the built layer.
    """
    import tensorflow as tf

    function = _resolve(ns, target)
    if layer_init is not None or layer_kwargs is not None:
        function = function(*(layer_init or []), **(layer_kwargs or {}))
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = function(xt, *(args or []), **(kwargs or {}))
        total = tf.reduce_sum(tf.cast(y, xt.dtype) * tf.constant(upstream, dtype=xt.dtype))
    grad = tape.gradient(total, xt)
    return {"output": to_wire(y), "grad": None if grad is None else to_wire(grad)}


def probe_call_update(ns: Mapping[str, Any], target: str, args: list[Any],
                      variables: list[int]) -> dict[str, Any]:
    """Call ``target(*args)`` where the arguments at ``variables`` are lists of ``tf.Variable``.

    For functions that update parameters in place (an SGD step). Returns the
    call's result and the variables' values after the call.
    """
    import tensorflow as tf

    converted: list[Any] = []
    owned: list[list[Any]] = []
    for position, arg in enumerate(args):
        if position in variables:
            owned.append([tf.Variable(value) for value in arg])
            converted.append(owned[-1])
        else:
            converted.append(_as_tensor(arg))
    result = _resolve(ns, target)(*converted)
    return {"result": to_wire(result),
            "variables": [[np.asarray(v.numpy()) for v in group] for group in owned]}


def probe_saved_layer(ns: Mapping[str, Any], target: str, input_shape: list[int],
                      dtype: str = "float32", init_args: list[Any] | None = None,
                      init_kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """Save a ``keras.Sequential`` holding the student's layer as a ``.keras`` file.

    Returns the file's bytes (``uint8``): the judge reads the configuration in it
    itself, may change a hyperparameter, and hands the file back to
    ``load_layer``. Written in the runner's own scratch space.
    """
    import os
    import tempfile

    import keras

    cls = _resolve(ns, target)
    model = keras.Sequential([keras.Input(shape=tuple(input_shape), dtype=dtype),
                              cls(*(init_args or []), **(init_kwargs or {}))])
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        with open(path, "rb") as file:
            return {"file": np.frombuffer(file.read(), dtype=np.uint8)}


def probe_load_layer(ns: Mapping[str, Any], target: str, file: np.ndarray,
                     inputs: np.ndarray, training: bool = False) -> dict[str, Any]:
    """Load a ``.keras`` file the judge sends (``uint8`` bytes) with
    ``keras.models.load_model``, the student's class as the only custom object, and run
    the model on ``inputs`` (in training mode with ``training``)."""
    import os
    import tempfile

    import keras

    cls = _resolve(ns, target)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        with open(path, "wb") as out:
            out.write(np.asarray(file, dtype=np.uint8).tobytes())
        model = keras.models.load_model(path, custom_objects={target: cls})
    return {"outputs": to_wire(model(inputs, training=bool(training)))}


def probe_train_loop(ns: Mapping[str, Any], step: str, forward: str, x_train: np.ndarray,
                     y_train: np.ndarray, x_eval: np.ndarray, epochs: int, batch_size: int,
                     seed: int, step_kwargs: dict[str, Any] | None = None,
                     init: str | None = None, init_kwargs: dict[str, Any] | None = None,
                     params: list[np.ndarray] | None = None) -> dict[str, Any]:
    """Train from-scratch parameters with the student's own step function.

    The loop is the judge's: parameters come from ``init(**init_kwargs)`` or
    from the judge (``params``, wrapped in ``tf.Variable``); each epoch visits
    the training set in a seeded random order, calling
    ``step(params, X, y, **step_kwargs)`` per minibatch. Returns the final
    parameters, the mean step result per epoch, and ``forward(x_eval, params)``.
    """
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(int(seed))
    if params is not None:
        variables = [tf.Variable(value) for value in params]
    else:
        variables = _resolve(ns, init or "")(**(init_kwargs or {}))
    step_fn = _resolve(ns, step)
    order_rng = np.random.default_rng(int(seed))
    losses = []
    for _ in range(int(epochs)):
        order = order_rng.permutation(len(x_train))
        epoch = []
        for start in range(0, len(order), int(batch_size)):
            batch = order[start:start + int(batch_size)]
            result = step_fn(variables, tf.constant(x_train[batch]), tf.constant(y_train[batch]),
                             **(step_kwargs or {}))
            epoch.append(float(np.mean(np.asarray(result))) if result is not None else np.nan)
        losses.append(float(np.mean(epoch)))
    outputs = _resolve(ns, forward)(tf.constant(x_eval), variables)
    return {"params": [to_wire(v) for v in variables], "losses": losses,
            "outputs": to_wire(outputs)}


def probe_model_losses(ns: Mapping[str, Any], builder: str, inputs: np.ndarray,
                       kwargs: dict[str, Any] | None = None,
                       weights: list[np.ndarray] | None = None) -> dict[str, Any]:
    """Build ``builder(**kwargs)``, call it on ``inputs``; return its weights and ``model.losses``.

    With ``weights``, they are set (``model.set_weights``) before the losses are read.
    """
    model = _resolve(ns, builder)(**(kwargs or {}))
    outputs = model(inputs)
    if weights is not None:
        model.set_weights(weights)
    return {"outputs": to_wire(outputs), "weights": [np.asarray(w) for w in model.get_weights()],
            "losses": [to_wire(loss) for loss in model.losses]}


def probe_keras_step(ns: Mapping[str, Any], builder: str, x: np.ndarray, y: np.ndarray,
                     weights: list[np.ndarray], learning_rate: float,
                     kwargs: dict[str, Any] | None = None) -> dict[str, Any]:
    """One SGD step of Keras' own training on the student's model, from the judge's weights.

    Builds ``builder(**kwargs)``, sets ``weights``, compiles it with plain SGD and
    mean squared error and runs ``train_on_batch(x, y)``: Keras adds the model's
    regularization losses to the loss it differentiates, so the weights after
    the step carry the penalty's gradient, which the judge computes itself.
    Returns the outputs on ``x`` before the step and the weights after it.
    """
    import keras

    model = _resolve(ns, builder)(**(kwargs or {}))
    outputs = to_wire(model(x))
    model.set_weights(weights)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=float(learning_rate)),
                  loss=keras.losses.MeanSquaredError())
    model.train_on_batch(x, y)
    return {"outputs": outputs, "weights": [np.asarray(w) for w in model.get_weights()]}


def probe_describe(ns: Mapping[str, Any], builder: str, input_shape: list[int],
                   kwargs: dict[str, Any] | None = None,
                   batch_sizes: list[int] | None = None) -> dict[str, Any]:
    """Build a model with ``builder(**kwargs)`` once and describe it layer by layer.

    For a ``keras.Sequential`` the zero input is passed through the layers one
    by one so each layer's output shape is observed, not declared. With
    ``batch_sizes``, the same model is described once per batch size (the
    first entry of ``input_shape`` is replaced) and ``runs`` holds one
    ``{"layers", "output_shape"}`` per size; the top-level ``layers`` and
    ``output_shape`` are those of the first run.
    """
    import keras

    model = _resolve(ns, builder)(**(kwargs or {}))
    runs = []
    for size in batch_sizes or [input_shape[0]]:
        x = np.zeros([int(size), *input_shape[1:]], dtype="float32")
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
        runs.append({"layers": layers, "output_shape": output_shape})
    return {"ancestry": _ancestry(model), **runs[0], "runs": runs,
            "params": int(model.count_params())}


def probe_forward(ns: Mapping[str, Any], builder: str, inputs: np.ndarray,
                  weights: list[np.ndarray], kwargs: dict[str, Any] | None = None,
                  training: bool = False) -> dict[str, Any]:
    """Build ``builder(**kwargs)``, set the judge's ``weights`` and return its outputs on
    ``inputs``, at inference (``training=False``) unless ``training``.

    The judge chose the weights for the layers the model's table declares and
    computes what the outputs must be itself (``autograder.judge.verifier``,
    ``autograder.judge.dropout_rates``); nothing here is a verdict.
    """
    model = _resolve(ns, builder)(**(kwargs or {}))
    model(inputs)  # builds the model, so set_weights knows its weights
    model.set_weights(weights)
    return {"outputs": to_wire(model(inputs, training=bool(training)))}


def probe_train_step(ns: Mapping[str, Any], target: str, x: np.ndarray, y: np.ndarray,
                     weights: list[np.ndarray], steps: int,
                     learning_rate: float) -> dict[str, Any]:
    """Run the student's ``target(net, X, y, loss_fn, optimizer)`` ``steps`` times on the
    judge's network and return the network's weights afterwards.

    The network is Flatten → Dense(16, relu) → :func:`_shift_in_training` → Dense(10),
    with the judge's ``weights``; the shift adds 1 to its input in training mode only,
    so the weights after a step tell a step that runs the network with
    ``training=True`` from one that does not, and the judge, which knows the
    network, computes both itself. Nothing here is a verdict: the judge compares
    the weights with its own arithmetic.
    """
    import keras

    keras.utils.set_random_seed(0)
    net = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(16, activation="relu"),
                            _shift_in_training(), keras.layers.Dense(10)])
    net(np.zeros((1, *x.shape[1:]), dtype="float32"))
    net.set_weights(weights)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    step = _resolve(ns, target)
    for _ in range(int(steps)):
        step(net, x, y, loss_fn, optimizer)
    return {"weights": [np.asarray(w) for w in net.get_weights()]}


def _shift_in_training() -> Any:
    import keras

    class ShiftInTraining(keras.layers.Layer):  # type: ignore[misc]
        """Adds 1 in training mode, nothing otherwise (no weights)."""

        def call(self, inputs: Any, training: Any = None) -> Any:
            return inputs + 1.0 if training else inputs

    return ShiftInTraining()


def _ancestry(obj: Any) -> list[str]:
    return [f"{cls.__module__}.{cls.__qualname__}" for cls in type(obj).__mro__][:30]


def _layer_summary(layer: Any, output_shape: list[Any] | None,
                   nested: bool = True) -> dict[str, Any]:
    """One row of a layer table; a ``keras.Sequential`` inside the model also lists its own
    layers as ``children`` (one level), since their configs do not survive :func:`to_wire`'s
    depth cap inside the parent's config; a layer not defined by Keras (the student's)
    lists its ``weights`` (name and shape)."""
    import keras

    trainable = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
    try:
        config = to_wire(layer.get_config())
    except Exception:  # noqa: BLE001 - a student layer may lack get_config
        config = None
    summary = {"class": type(layer).__name__, "ancestry": _ancestry(layer),
               "output_shape": output_shape, "params": int(layer.count_params()),
               "trainable_params": trainable, "config": config}
    if not type(layer).__module__.startswith("keras"):
        # A student's own layer: its weights in get_weights order, which the judge's
        # verifier matches to the parts of the block's reference (judge/blocks.py).
        summary["weights"] = [{"name": str(getattr(v, "name", ""))[:200],
                               "shape": [int(d) for d in v.shape]}
                              for v in list(layer.weights)[:_MAX_ITEMS]]
    if nested and isinstance(layer, keras.Sequential):
        if isinstance(config, dict):
            config.pop("layers", None)
        summary["children"] = [_layer_summary(child, None, nested=False)
                               for child in layer.layers[:_MAX_ITEMS]]
    return summary


#: Probe name → handler; the judge can ask for these and nothing else.
PROBES: dict[str, Callable[..., Any]] = {
    "call": probe_call,
    "call_update": probe_call_update,
    "call_tables": probe_call_tables,
    "saved_layer": probe_saved_layer,
    "load_layer": probe_load_layer,
    "train_loop": probe_train_loop,
    "model_losses": probe_model_losses,
    "layer": probe_layer,
    "gradient": probe_gradient,
    "describe": probe_describe,
    "forward": probe_forward,
    "keras_step": probe_keras_step,
    "train_step": probe_train_step,
}
