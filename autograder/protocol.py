"""Wire format between the trusted judge and the untrusted runner.

Both sides import this module, so it holds no policy, only framing. A message
is one frame on a byte stream::

    8-byte big-endian length of the JSON header
    8-byte big-endian length of the array payload (0 when there is none)
    JSON header (UTF-8)
    array payload: an ``.npz`` archive

Arrays never travel as pickles: inside the JSON an array is the placeholder
``{"__array__": "<key>"}`` and the payload is read with
``numpy.load(..., allow_pickle=False)``, which refuses object arrays. The
reader enforces size caps *before* reading a frame, and the decoder checks the
archive's directory before loading a member (at most :data:`MAX_ARRAYS`
members, stored uncompressed, their sizes summing to no more than the payload),
so a hostile runner cannot make the judge allocate more than the caps allow or
spend minutes on a swarm of tiny members; a header nested too deeply for the
decoder is a :class:`ProtocolError` like any other malformed frame.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from collections.abc import Mapping
from typing import IO, Any

import numpy as np

__all__ = [
    "MAX_ARRAYS",
    "MAX_HEADER_BYTES",
    "ProtocolError",
    "decode",
    "encode",
    "frame",
    "read_message",
    "write_message",
]

#: Largest JSON header either side accepts.
MAX_HEADER_BYTES = 4 * 1024 * 1024
#: Most arrays one message may carry (a model's weights are tens of arrays).
MAX_ARRAYS = 1024

_PREFIX = struct.Struct(">QQ")
_ARRAY_KEY = "__array__"
_ALLOWED_KINDS = frozenset("biuf")  # bool, signed, unsigned, float


class ProtocolError(Exception):
    """A frame was malformed, too large, or the stream ended early."""


def encode(message: Mapping[str, Any]) -> tuple[bytes, bytes]:
    """Split a message into its JSON header and ``.npz`` payload.

    Args:
        message: JSON-compatible data in which numpy arrays may appear anywhere.

    Returns:
        The UTF-8 JSON header and the payload (empty when there are no arrays).

    Raises:
        ProtocolError: if the message holds a value JSON cannot carry.
    """
    arrays: dict[str, np.ndarray] = {}

    def lift(value: Any) -> Any:
        if isinstance(value, np.ndarray):
            key = f"a{len(arrays)}"
            arrays[key] = value
            return {_ARRAY_KEY: key}
        if isinstance(value, np.generic):
            return value.item()
        if isinstance(value, Mapping):
            return {str(k): lift(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [lift(v) for v in value]
        return value

    try:
        header = json.dumps(lift(message), allow_nan=True).encode()
    except (TypeError, ValueError) as exc:
        raise ProtocolError(f"message cannot be encoded: {exc}") from exc
    if not arrays:
        return header, b""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    return header, buffer.getvalue()


def decode(header: bytes, payload: bytes) -> Any:
    """Rebuild a message from its header and payload without unpickling.

    Raises:
        ProtocolError: if the JSON is invalid, an array is missing or has a
            dtype other than bool, integer or float.
    """
    try:
        message = json.loads(header)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"header is not valid JSON: {exc}") from exc
    except RecursionError:
        raise ProtocolError("header is nested too deeply") from None
    arrays: dict[str, np.ndarray] = {}
    if payload:
        _check_archive(payload)
        try:
            with np.load(io.BytesIO(payload), allow_pickle=False) as archive:
                for key in archive.files:
                    arrays[key] = archive[key]
        except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
            raise ProtocolError(f"array payload is not a plain .npz archive: {exc}") from exc
    for key, array in arrays.items():
        if array.dtype.kind not in _ALLOWED_KINDS:
            raise ProtocolError(f"array {key!r} has unsupported dtype {array.dtype}")

    def lower(value: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {_ARRAY_KEY}:
                key = value[_ARRAY_KEY]
                if key not in arrays:
                    raise ProtocolError(f"array {key!r} is referenced but not sent")
                return arrays[key]
            return {k: lower(v) for k, v in value.items()}
        if isinstance(value, list):
            return [lower(v) for v in value]
        return value

    try:
        return lower(message)
    except RecursionError:
        raise ProtocolError("header is nested too deeply") from None


def _check_archive(payload: bytes) -> None:
    """Refuse an ``.npz`` whose directory promises more work than its size allows."""
    try:
        with zipfile.ZipFile(io.BytesIO(payload)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise ProtocolError(f"array payload is not a plain .npz archive: {exc}") from exc
    if len(members) > MAX_ARRAYS:
        raise ProtocolError(f"array payload has {len(members)} members, more than {MAX_ARRAYS}")
    if any(member.compress_type != zipfile.ZIP_STORED for member in members):
        raise ProtocolError("array payload is compressed; only numpy.savez archives are read")
    unpacked = sum(member.file_size for member in members)
    if unpacked > len(payload):
        raise ProtocolError(f"array payload unpacks to {unpacked} bytes, more than its "
                            f"{len(payload)} bytes")


def frame(message: Mapping[str, Any]) -> bytes:
    """Encode ``message`` as the bytes of one complete frame."""
    header, payload = encode(message)
    return _PREFIX.pack(len(header), len(payload)) + header + payload


def write_message(stream: IO[bytes], message: Mapping[str, Any]) -> None:
    """Encode ``message`` and write it as one frame, then flush."""
    stream.write(frame(message))
    stream.flush()


def read_message(stream: IO[bytes], max_payload_bytes: int) -> Any:
    """Read one frame, refusing frames larger than the caps before reading them.

    Args:
        stream: a binary stream positioned at a frame boundary.
        max_payload_bytes: the largest array payload this reader accepts.

    Returns:
        The decoded message.

    Raises:
        ProtocolError: on end of stream, an oversized frame or a bad frame.
    """
    prefix = _read_exactly(stream, _PREFIX.size)
    header_len, payload_len = _PREFIX.unpack(prefix)
    if header_len > MAX_HEADER_BYTES:
        raise ProtocolError(f"header of {header_len} bytes exceeds {MAX_HEADER_BYTES}")
    if payload_len > max_payload_bytes:
        raise ProtocolError(f"payload of {payload_len} bytes exceeds {max_payload_bytes}")
    header = _read_exactly(stream, header_len)
    payload = _read_exactly(stream, payload_len) if payload_len else b""
    return decode(header, payload)


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    chunks: list[bytes] = []
    remaining = size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            raise ProtocolError("stream closed in the middle of a frame")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
