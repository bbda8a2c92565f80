"""Training by trusted code: the judge trains the student's verified architecture itself.

TRUSTED SIDE. An accuracy a runner reports proves only that *some* model in
the runner reached it. Here the judge builds, in its own process, the model
that :func:`autograder.judge.layer_tables.verify_model` proved the student's
builder makes (the verifier's layer list, never the student's code and never
Keras' deserialization): each whitelisted kind is constructed by this module
with the settings the verifier read and checked. It trains that model with the
profile's recipe and predicts the held-out images, which never leave the judge.

What the rebuild takes from the declared table and what it does not:

* layer kinds, sizes, strides, paddings, activations and biases: the
  verifier's, already confirmed by the student's model computing the same
  outputs on the judge's weights;
* the student's own ``Dropout`` and ``BatchNorm``: Keras' ``Dropout`` (inverted
  dropout, the course's reference semantics) and ``BatchNormalization`` over
  the last axis with the declared ``momentum`` and ``epsilon``
  (``moving = momentum · moving + (1 − momentum) · batch``, as 07 asks). The
  student's layer itself is proven by its own value checks and, at inference,
  by the verified forward pass; here it is the architecture that is trained;
* dropout rates and batch-norm momentum: the table's word (inference cannot
  tell them), checked for range only;
* weight penalties (``kernel_regularizer``, ``bias_regularizer``: Keras' ``L1``,
  ``L2``, ``L1L2``): the table's word, rebuilt as declared; 04's penalty itself
  is proven by its own check on one SGD step of the student's model;
* initial weights: Keras' defaults (Glorot uniform, zero biases), from the
  recipe's seed; any initializer the student declared is ignored;
* settings that change training but not inference (weight constraints, batch
  norm's ``gamma``/``beta`` penalties, a frozen layer, another dtype policy):
  refused unless they have their default value, so that nothing the student
  declared is silently trained otherwise.

Before it starts, the training's cost is estimated from the verified layers
(multiply-adds over the recipe's epochs, memory for weights, gradients,
optimizer slots and one batch's activations) and refused above the profile's
``Limits.training_gmacs`` and ``training_memory_mb``: a declared model that
would keep the grading machine busy for hours, or exhaust its memory, is the
student's failed check. The judge trains in its own process; a model within
those limits that still exhausts the machine is a grading fault.

An accuracy is recorded under a key of the rebuild, the recipe and the data
(:mod:`autograder.judge.training_cache`): a plan the judge has trained once is
not trained again.

Keras is imported on first use (about 4 s); :func:`prewarm` starts that import
in a background thread so it overlaps with the runner's start.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograder.config import Limits
from autograder.judge import training_cache, verifier
from autograder.judge.layer_tables import VerifiedModel

__all__ = ["Cost", "Trained", "build", "fit_predict", "held_out_accuracy", "prewarm",
           "training_cost"]

_RECIPE_KEYS = frozenset({"seed", "optimizer", "learning_rate", "loss", "epochs", "batch_size",
                          "scale", "channel_axis", "resize"})
_OPTIMIZERS = ("sgd", "adam")
_LOSSES = ("sparse_ce_logits", "mse")
#: The batch size of the judge's predictions (``resize``: the smaller pipeline batches).
_PREDICT_BATCH, _RESIZED_PREDICT_BATCH = 1024, 256
_prewarmed: threading.Thread | None = None


def prewarm() -> None:
    """Start importing Keras in a daemon thread (once), so that the first training does not
    wait for it; a failed import shows up again, as itself, on first use."""
    global _prewarmed  # noqa: PLW0603 - one background import per process
    if _prewarmed is None:
        _prewarmed = threading.Thread(target=_import_keras, name="keras-prewarm", daemon=True)
        _prewarmed.start()


def _import_keras() -> None:
    with contextlib.suppress(ImportError):  # reported by the first real use
        import keras  # noqa: F401


@dataclass(frozen=True)
class Trained:
    """What the judge's own training gave: outputs on the held-out inputs, the loss per epoch
    and the trained weights (``get_weights`` order)."""

    outputs: np.ndarray
    loss_history: list[float]
    weights: list[np.ndarray]


def _unit_interval(where: str, config: Mapping[str, Any], key: str, default: float) -> float:
    value = config.get(key, default)
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value < 1:
        raise verifier.Unverifiable(f"{where}: {key} = {value!r} không nằm trong [0, 1)")
    return float(value)


#: Keras' weight penalties a rebuild carries, with the settings each one takes.
_PENALTIES = {"L1": ("l1",), "L2": ("l2",), "L1L2": ("l1", "l2")}


def _penalty(where: str, config: Mapping[str, Any], key: str) -> Any:
    """The declared ``key`` penalty (``None``, or a Keras L1/L2/L1L2 as ``get_config`` wires it)."""
    import keras

    value = config.get(key)
    if value is None:
        return None
    name = value.get("class_name") if isinstance(value, dict) else None
    settings = value.get("config") if isinstance(value, dict) else None
    if (name not in _PENALTIES or value.get("module") != "keras.regularizers"
            or not isinstance(settings, dict) or set(settings) - set(_PENALTIES[name])):
        raise verifier.Unverifiable(
            f"{where}: {key} phải là None hoặc keras.regularizers.L1/L2/L1L2, nhận {value!r}")
    amounts = {}
    for setting in _PENALTIES[name]:
        raw = settings.get(setting, 0.0)
        amount = verifier.finite_number(raw)
        if amount is None or amount < 0:
            raise verifier.Unverifiable(f"{where}: {key}.{setting} = {raw!r} không hợp lệ"[:300])
        amounts[setting] = amount
    return getattr(keras.regularizers, name)(**amounts)


def _penalties(where: str, config: Mapping[str, Any]) -> dict[str, Any]:
    return {key: _penalty(where, config, key) for key in ("kernel_regularizer", "bias_regularizer")}


#: Settings the rebuild does not carry, that change training (not inference): each must be
#: absent or None.
_UNTRAINED_SETTINGS = ("activity_regularizer", "kernel_constraint", "bias_constraint",
                       "beta_regularizer", "gamma_regularizer", "beta_constraint",
                       "gamma_constraint")


def _refuse_untrained_settings(where: str, config: Mapping[str, Any]) -> None:
    """Refuse a declared setting that would train differently from the rebuild."""
    for key in _UNTRAINED_SETTINGS:
        if config.get(key) is not None:
            raise verifier.Unverifiable(
                f"{where}: {key} = {config[key]!r} không được hỗ trợ khi huấn luyện "
                f"(hãy bỏ thiết lập này)"[:300])
    if config.get("trainable", True) is not True:
        raise verifier.Unverifiable(
            f"{where}: trainable = {config.get('trainable')!r}: trình chấm chỉ huấn luyện "
            "các tầng được huấn luyện (trainable=True)")
    dtype = config.get("dtype")
    settings = dtype.get("config") if isinstance(dtype, dict) else None
    name = settings.get("name") if isinstance(settings, dict) else dtype
    if dtype is not None and name != "float32":
        raise verifier.Unverifiable(
            f"{where}: dtype = {dtype!r}: trình chấm chỉ huấn luyện với float32"[:300])


def _keras_layers(item: verifier.Traced, where: str) -> list[Any]:  # noqa: PLR0911
    """The Keras layers that compute ``item`` (a nested Sequential: its children, inline)."""
    import keras

    layer, c = item.layer, item.layer.config
    kind = layer.kind
    _refuse_untrained_settings(where, c)
    if kind == "Sequential" and not layer.own:
        return [built for index, child in enumerate(item.children)
                for built in _keras_layers(child, f"{where}, tầng con thứ {index + 1}")]
    if kind == "InputLayer":
        return []
    if kind == "Dropout":
        if not layer.own and c.get("noise_shape") is not None:
            raise verifier.Unverifiable(f"{where}: noise_shape không được hỗ trợ khi huấn luyện")
        if "rate" not in c:
            raise verifier.Unverifiable(f"{where} không khai báo rate trong get_config()")
        return [keras.layers.Dropout(_unit_interval(where, c, "rate", 0.0))]
    if kind in ("BatchNorm", "BatchNormalization"):
        own = layer.own
        return [keras.layers.BatchNormalization(
            axis=-1, momentum=_unit_interval(where, c, "momentum", 0.9 if own else 0.99),
            epsilon=verifier.read_epsilon(where, layer),
            center=own or c.get("center", True) is not False,
            scale=own or c.get("scale", True) is not False)]
    use_bias = c.get("use_bias", True) is not False
    if kind == "Dense":
        return [keras.layers.Dense(int(c["units"]), activation=c.get("activation"),
                                   use_bias=use_bias, **_penalties(where, c))]
    if kind == "Conv2D":
        kernel = verifier.read_pair(where, c, "kernel_size")
        return [keras.layers.Conv2D(int(c["filters"]), kernel,
                                    strides=verifier.read_pair(where, c, "strides", 1),
                                    padding=c.get("padding", "valid"),
                                    data_format="channels_last",
                                    activation=c.get("activation"), use_bias=use_bias,
                                    **_penalties(where, c))]
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        pool = verifier.read_pair(where, c, "pool_size", 2)
        strides = (verifier.read_pair(where, c, "strides") if c.get("strides") is not None
                   else pool)
        cls = getattr(keras.layers, kind)
        return [cls(pool, strides=strides, padding=c.get("padding", "valid"),
                    data_format="channels_last")]
    simple: dict[str, Callable[[], Any]] = {
        "Flatten": lambda: keras.layers.Flatten(data_format="channels_last"),
        "Reshape": lambda: keras.layers.Reshape(item.output_shape),
        "GlobalAveragePooling2D": lambda: keras.layers.GlobalAveragePooling2D(
            data_format="channels_last", keepdims=c.get("keepdims") is True),
        "Activation": lambda: keras.layers.Activation(c.get("activation") or "linear"),
        "ReLU": keras.layers.ReLU,
    }
    if kind in simple and not layer.own:
        return [simple[kind]()]
    raise verifier.Unverifiable(f"{where} không phải tầng mà trình chấm huấn luyện được")


def build(model: VerifiedModel) -> Any:
    """A fresh ``keras.Sequential`` computing ``model``'s verified layers (Keras' initial weights).

    Raises:
        Unverifiable: a setting the training rebuild does not support (a rate out of range),
            or one Keras itself refuses to build with.
    """
    import keras

    if not model.layers:
        raise verifier.Unverifiable("mô hình không có tầng nào")
    try:
        layers = [built for index, item in enumerate(model.layers)
                  for built in _keras_layers(item, verifier.position(index, item.layer))]
        return keras.Sequential([keras.Input(model.layers[0].input_shape, dtype="float32"),
                                 *layers])
    except verifier.Unverifiable:
        raise
    except (ValueError, TypeError, OverflowError) as exc:  # Keras refused a declared setting
        raise verifier.Unverifiable(f"Keras không dựng được các tầng đã khai báo: {exc}"[:500]) \
            from None


def _leaves(items: Sequence[verifier.Traced]) -> list[verifier.Traced]:
    return [leaf for item in items
            for leaf in (_leaves(item.children) if item.children else [item])]


@dataclass(frozen=True)
class Cost:
    """The estimated cost of one training: multiply-adds (in units of 10^9) and memory (MiB)."""

    gmacs: float
    memory_mb: float


def training_cost(model: VerifiedModel, recipe: Mapping[str, Any], n_train: int,
                  n_test: int) -> Cost:
    """What training ``model`` with ``recipe`` on ``n_train`` examples and predicting ``n_test``
    will cost, from the verified shapes alone (no Keras).

    Per example, the forward pass of a layer with a kernel takes its kernel's size times its
    output positions (every position but the last axis), and every layer one operation per
    input value; a training step takes three forward passes' worth (forward, the gradients
    of inputs and of weights). Memory: four float32 copies of the weights (weights,
    gradients, two optimizer slots) and the float32 outputs of every layer for the larger of
    a training batch (kept with their gradients: twice) and a prediction batch.
    """
    leaves = _leaves(model.layers)
    forward = sum(
        sum(math.prod(w.shape) for w in leaf.weights if w.role == "kernel")
        * math.prod(leaf.output_shape[:-1]) + math.prod(leaf.input_shape)
        for leaf in leaves)
    macs = forward * (3 * n_train * int(recipe["epochs"]) + n_test)
    activations = sum(math.prod(leaf.output_shape) for leaf in leaves)
    predict_batch = _RESIZED_PREDICT_BATCH if recipe.get("resize") else _PREDICT_BATCH
    batch_values = activations * max(2 * int(recipe["batch_size"]), min(predict_batch, n_test))
    memory = 4 * (4 * model.params + batch_values)
    return Cost(gmacs=macs / 1e9, memory_mb=memory / 2**20)


def _within(cost: Cost, limits: Limits) -> None:
    if cost.gmacs > limits.training_gmacs:
        raise AssertionError(
            f"Mô hình đã khai báo quá lớn để trình chấm huấn luyện: khoảng {cost.gmacs:,.0f} tỉ "
            f"phép nhân-cộng, tối đa {limits.training_gmacs:,}. Hãy dùng đúng kiến trúc đề bài "
            "yêu cầu.")
    if cost.memory_mb > limits.training_memory_mb:
        raise AssertionError(
            f"Mô hình đã khai báo cần khoảng {cost.memory_mb:,.0f} MiB bộ nhớ để huấn luyện, "
            f"tối đa {limits.training_memory_mb:,} MiB. Hãy dùng đúng kiến trúc đề bài yêu cầu.")


def _prepared(images: np.ndarray, recipe: Mapping[str, Any], shape: Sequence[int]) -> np.ndarray:
    prepared = np.asarray(images, dtype="float32") * np.float32(recipe.get("scale", 1.0))
    if recipe.get("channel_axis"):
        prepared = prepared[..., None]
    if recipe.get("resize"):
        return prepared
    if tuple(prepared.shape[1:]) != tuple(shape):
        prepared = prepared.reshape(len(prepared), *shape)
    return prepared


def _resized_batches(images: np.ndarray, labels: np.ndarray | None, size: int,
                     batch_size: int, shuffle_seed: int | None = None) -> Any:
    """A tf.data pipeline of batches resized to ``size`` x ``size`` (``resize_with_pad``): the
    book's 224 px inputs for the full data set do not fit in memory all at once."""
    import tensorflow as tf

    data = tf.data.Dataset.from_tensor_slices(images if labels is None else (images, labels))
    if shuffle_seed is not None:
        data = data.shuffle(len(images), seed=shuffle_seed, reshuffle_each_iteration=True)

    def resize(x: Any, *y: Any) -> Any:
        resized = tf.image.resize_with_pad(x, size, size)
        return (resized, *y) if y else resized

    return data.batch(batch_size).map(resize, num_parallel_calls=tf.data.AUTOTUNE) \
        .prefetch(tf.data.AUTOTUNE)


def _check_recipe_and_cost(model: VerifiedModel, recipe: Mapping[str, Any], n_train: int,
                           n_test: int, limits: Limits) -> None:
    unknown = set(recipe) - _RECIPE_KEYS
    if unknown:
        raise ValueError(f"unknown recipe keys {sorted(unknown)}; known: {sorted(_RECIPE_KEYS)}")
    if recipe["optimizer"] not in _OPTIMIZERS or recipe.get("loss", _LOSSES[0]) not in _LOSSES:
        raise ValueError(f"the recipe's optimizer must be one of {_OPTIMIZERS} and its loss one "
                         f"of {_LOSSES}. Received: {recipe['optimizer']!r}, {recipe.get('loss')!r}")
    _within(training_cost(model, recipe, n_train, n_test), limits)


def fit_predict(model: VerifiedModel, recipe: Mapping[str, Any], x_train: np.ndarray,
                y_train: np.ndarray, x_test: np.ndarray, *, limits: Limits) -> Trained:
    """Train a rebuild of ``model`` with ``recipe`` in this process and predict ``x_test``.

    The recipe fixes seed, optimizer (``sgd``, ``adam``), learning rate, loss
    (``sparse_ce_logits``, the default, or ``mse``), epochs, batch size, input
    scaling, a channel axis to add, and (``resize``) the image size the book
    trains a network at, as the profile states it; ``limits`` (the profile's)
    bound the training's estimated cost (:func:`training_cost`). Raises
    ``ValueError`` for a recipe this function does not know (a grader's mistake)
    and ``AssertionError``, in Vietnamese, for an architecture it cannot train or
    that costs more than ``limits`` allow (the student's).
    """
    _check_recipe_and_cost(model, recipe, len(x_train), len(x_test), limits)
    import keras

    keras.utils.set_random_seed(int(recipe["seed"]))
    try:
        net = build(model)
    except verifier.Unverifiable as exc:
        raise AssertionError(f"Trình chấm không huấn luyện được mô hình đã khai báo: {exc}.") \
            from None
    optimizers = {"sgd": keras.optimizers.SGD, "adam": keras.optimizers.Adam}
    losses = {"sparse_ce_logits": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              "mse": keras.losses.MeanSquaredError()}
    net.compile(optimizer=optimizers[recipe["optimizer"]](
        learning_rate=float(recipe["learning_rate"])),
        loss=losses[recipe.get("loss", "sparse_ce_logits")])
    shape = model.layers[0].input_shape
    batch_size = int(recipe["batch_size"])
    train, test = _prepared(x_train, recipe, shape), _prepared(x_test, recipe, shape)
    if recipe.get("resize"):
        size = int(recipe["resize"])
        # The pipeline shuffles; fit's own shuffle does not apply to a tf.data.Dataset.
        history = net.fit(_resized_batches(train, y_train, size, batch_size,
                                           shuffle_seed=int(recipe["seed"])),
                          epochs=int(recipe["epochs"]), shuffle=False, verbose=0)
        outputs = net.predict(_resized_batches(test, None, size, _RESIZED_PREDICT_BATCH),
                              verbose=0)
    else:
        history = net.fit(train, y_train, epochs=int(recipe["epochs"]), batch_size=batch_size,
                          shuffle=True, verbose=0)
        outputs = net.predict(test, batch_size=_PREDICT_BATCH, verbose=0)
    return Trained(np.asarray(outputs, dtype="float32"),
                   [float(v) for v in history.history.get("loss", [])],
                   [np.asarray(w) for w in net.get_weights()])


def held_out_accuracy(model: VerifiedModel, recipe: Mapping[str, Any], data: Any,
                      what: str, *, limits: Limits, classes: int = 10) -> float:
    """The accuracy on held-out labels of ``model``'s rebuild, trained here with ``recipe``.

    ``data`` is ``((x_train, y_train), (x_test, y_test))``; the labels are
    integers. ``what`` names the model for the student (``lenet()``); ``limits``
    are the profile's (see :func:`fit_predict`).

    The same rebuild, recipe and data give the accuracy recorded the first time
    (:mod:`autograder.judge.training_cache`), without training again.

    Raises:
        AssertionError: (Vietnamese) the model does not give ``classes`` logits
            per example, or cannot be trained as declared.
    """
    (x_train, y_train), (x_test, y_test) = data
    if model.output_shape != (classes,):
        raise AssertionError(
            f"{what} phải cho {classes} logit cho mỗi ảnh, các tầng nó khai báo cho kích thước "
            f"{model.output_shape}.")
    _check_recipe_and_cost(model, recipe, len(x_train), len(x_test), limits)
    key = _plan_key(model, recipe, (x_train, y_train, x_test, y_test))
    recorded = training_cache.lookup(key) if key is not None else None
    if recorded is not None:
        return recorded
    trained = fit_predict(model, recipe, x_train, np.asarray(y_train).astype("int32"), x_test,
                          limits=limits)
    accuracy = float(np.mean(np.argmax(trained.outputs, axis=1) == y_test))
    if key is not None:
        training_cache.store(key, accuracy)
    return accuracy


def _plan_key(model: VerifiedModel, recipe: Mapping[str, Any], arrays: Sequence[Any]) -> \
        str | None:
    """The record's key for training ``model``'s rebuild with ``recipe`` on ``arrays``; None
    when the record is off or the rebuild fails (:func:`fit_predict` then says why)."""
    if training_cache.cache_dir() is None:
        return None
    try:
        config = build(model).get_config()
    except verifier.Unverifiable:
        return None
    return training_cache.plan_key(config, recipe, arrays)
