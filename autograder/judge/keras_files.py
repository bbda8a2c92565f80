"""Reading and editing a ``.keras`` file as data, never as a model.

TRUSTED SIDE. 02's and 03's checks ask the runner to save a model holding the
student's layer, read the layer's configuration in the file themselves
(``config.json``, parsed as JSON: nothing is deserialized into objects, no
class is looked up), change a hyperparameter to a value the runner has not
seen, and send the file back to be loaded. Right outputs for the new value prove that what
``get_config`` wrote is what ``from_config`` reads, by values on fresh inputs;
the runner's word about its config proves nothing.

A ``.keras`` file is a zip archive (``config.json``, ``metadata.json``,
``model.weights.h5``). The file comes from the runner, so every size is
bounded before it is read: the number of members, each member's uncompressed
size and the size of ``config.json`` are capped, and anything outside the caps,
or unreadable, is the student's failed check (:class:`AssertionError`, in
Vietnamese).
"""

from __future__ import annotations

import copy
import io
import json
import zipfile
from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["layer_config", "with_layer_config"]

_MAX_MEMBERS = 16
_MAX_MEMBER_BYTES = 16 * 2**20
_MAX_CONFIG_BYTES = 2**20
_CONFIG = "config.json"


def _archive(file: np.ndarray, what: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(np.asarray(file, dtype=np.uint8).tobytes()))
    except (zipfile.BadZipFile, ValueError):
        raise AssertionError(f"{what}: tệp .keras do model.save() ghi không đọc được "
                             "(không phải tệp zip).") from None
    members = archive.infolist()
    if len(members) > _MAX_MEMBERS or any(m.file_size > _MAX_MEMBER_BYTES for m in members):
        raise AssertionError(f"{what}: tệp .keras có quá nhiều hoặc quá lớn thành phần.")
    if _CONFIG not in archive.namelist():
        raise AssertionError(f"{what}: tệp .keras không có {_CONFIG}.")
    return archive


def _model_config(archive: zipfile.ZipFile, what: str) -> dict[str, Any]:
    if archive.getinfo(_CONFIG).file_size > _MAX_CONFIG_BYTES:
        raise AssertionError(f"{what}: {_CONFIG} trong tệp .keras quá lớn.")
    try:
        config = json.loads(archive.read(_CONFIG))
    except (ValueError, RecursionError, zipfile.BadZipFile, OSError):
        raise AssertionError(f"{what}: {_CONFIG} trong tệp .keras không đọc được.") from None
    if not isinstance(config, dict):
        raise AssertionError(f"{what}: {_CONFIG} trong tệp .keras không phải một dict.")
    return config


def _last_layer(model: Mapping[str, Any], what: str) -> dict[str, Any]:
    """The entry of the model's last layer (the student's: the model is ``Input`` + it)."""
    body = model.get("config")
    layers = body.get("layers") if isinstance(body, dict) else None
    entry = layers[-1] if isinstance(layers, list) and layers else None
    if not isinstance(entry, dict) or not isinstance(entry.get("config"), dict):
        raise AssertionError(f"{what}: tệp .keras không ghi config của tầng (get_config()).")
    return entry


def layer_config(file: np.ndarray, what: str) -> dict[str, Any]:
    """The configuration the saved file records for the student's layer (its
    ``get_config()``, as Keras wrote it)."""
    archive = _archive(file, what)
    return dict(_last_layer(_model_config(archive, what), what)["config"])


def with_layer_config(file: np.ndarray, changes: Mapping[str, Any], what: str) -> np.ndarray:
    """The same file with ``changes`` written into the layer's recorded configuration (every
    other member copied unchanged)."""
    archive = _archive(file, what)
    model = copy.deepcopy(_model_config(archive, what))
    _last_layer(model, what)["config"].update(changes)
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as edited:
            for member in archive.infolist():
                data = json.dumps(model).encode() if member.filename == _CONFIG \
                    else archive.read(member)
                edited.writestr(member.filename, data)
    except (zipfile.BadZipFile, OSError, NotImplementedError):
        raise AssertionError(f"{what}: tệp .keras có thành phần không đọc được.") from None
    return np.frombuffer(out.getvalue(), dtype=np.uint8)
