"""The judge's record of its own trainings' results: one plan is trained once.

TRUSTED SIDE. :func:`autograder.judge.trusted_training.held_out_accuracy`
trains a rebuild of the layers the verifier proved a student's builder makes.
That rebuild, not the student's code, is all the training depends on, together
with the profile's recipe and seed and the judge's data. Two submissions whose
builders declare the same layers (every correct LeNet of a class, a resubmission
that changed another cell, the reference solution and the variants
``course validate`` grades) are therefore the same training, and this module
lets the judge do it once: the accuracy is stored under a key made of

* the rebuilt ``keras.Sequential``'s configuration, without the layers' names
  (what is trained: kinds, sizes, activations, rates, momenta, penalties,
  initializers);
* the recipe, seed included, and a SHA-256 of the training and held-out arrays;
* the Keras, TensorFlow and NumPy versions, whether a GPU is visible, and a
  SHA-256 of ``trusted_training.py`` (a change of the rebuild is a new key).

Everything in the key is computed by the judge from verified layers and its own
files, and the record lives in a folder the sandbox never mounts
(``$COURSE_TRAINING_CACHE``, default ``~/.cache/keras-course/training``), so a
runner can neither choose a key nor write a result. ``COURSE_TRAINING_CACHE=off``
turns the record off. A side effect instructors want: the same plan always
earns the same accuracy, where retraining could move it in the last digits
(TensorFlow's threaded reductions on CPU are not bit-reproducible).

A record is one small JSON file, written to a temporary name and renamed, so
that parallel judges never read half a file; an unreadable record is a miss.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["CACHE_ENV", "cache_dir", "lookup", "plan_key", "store"]

#: Environment variable naming the folder of the record (``off`` turns it off).
CACHE_ENV = "COURSE_TRAINING_CACHE"
_OFF = frozenset({"off", "0", "no", "false"})
#: Changes when the meaning of a record changes.
_SCHEMA = 1
_log = logging.getLogger(__name__)


def cache_dir() -> Path | None:
    """The folder of the record, or None when ``$COURSE_TRAINING_CACHE`` turns it off."""
    setting = os.environ.get(CACHE_ENV, "").strip()
    if setting.lower() in _OFF:
        return None
    if setting:
        return Path(setting).expanduser()
    return Path.home() / ".cache" / "keras-course" / "training"


def _unnamed(config: Mapping[str, Any]) -> dict[str, Any]:
    """A ``Sequential`` configuration without its own and its layers' names."""
    layers = [{**layer, "config": {k: v for k, v in layer["config"].items() if k != "name"}}
              for layer in config["layers"]]
    return {**{k: v for k, v in config.items() if k != "name"}, "layers": layers}


def _arrays_digest(arrays: Sequence[Any]) -> str:
    digest = hashlib.sha256()
    for array in arrays:
        array = np.ascontiguousarray(array)
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()


def _environment() -> dict[str, Any]:
    import keras
    import tensorflow as tf

    from autograder.judge import trusted_training

    source = Path(trusted_training.__file__).read_bytes()
    return {"keras": keras.__version__, "tensorflow": tf.__version__, "numpy": np.__version__,
            "gpu": bool(tf.config.list_physical_devices("GPU")),
            "trusted_training": hashlib.sha256(source).hexdigest()}


def plan_key(net_config: Mapping[str, Any], recipe: Mapping[str, Any],
             arrays: Sequence[Any]) -> str:
    """The key of one training: the rebuild's configuration (``get_config()``), the recipe and
    the data (``arrays``: training inputs and labels, held-out inputs and labels)."""
    plan = {"schema": _SCHEMA, "net": _unnamed(net_config), "recipe": dict(recipe),
            "data": _arrays_digest(arrays), "environment": _environment()}
    text = json.dumps(plan, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()


def lookup(key: str) -> float | None:
    """The accuracy recorded under ``key``, or None (no record, an unreadable one, or off)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        record = json.loads((folder / f"{key}.json").read_text())
        value = record["accuracy"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if record.get("schema") != _SCHEMA or not isinstance(value, float) or not 0 <= value <= 1:
        return None
    _log.info("training %s: accuracy %.4f from the record in %s", key[:12], value, folder)
    return value


def store(key: str, accuracy: float) -> None:
    """Record ``accuracy`` under ``key`` (atomically); a folder that cannot be written only
    costs the next grading a training, so it is logged, not raised."""
    folder = cache_dir()
    if folder is None:
        return
    temporary: str | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=folder, suffix=".tmp", delete=False) as file:
            temporary = file.name
            json.dump({"schema": _SCHEMA, "accuracy": float(accuracy)}, file)
        os.replace(temporary, folder / f"{key}.json")
    except OSError as exc:
        _log.warning("could not record training %s in %s: %s", key[:12], folder, exc)
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
