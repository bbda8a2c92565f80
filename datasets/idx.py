"""Read IDX files, the format of MNIST and Fashion-MNIST, into NumPy arrays.

Format (http://yann.lecun.com/exdb/mnist/, "THE IDX FILE FORMAT"): two zero
bytes, a type byte, the number of dimensions, one big-endian uint32 per
dimension, then the values in C order, big-endian. Files may be gzipped.
"""

from __future__ import annotations

import gzip
import math
import os
import zlib
from typing import Any

import numpy as np

from .fetch import DataError

__all__ = ["IdxFormatError", "read_idx"]

# IDX type byte -> big-endian NumPy dtype.
_IDX_DTYPES: dict[int, np.dtype[Any]] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"


class IdxFormatError(DataError):
    """An IDX file has a malformed header or the wrong amount of data."""


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Reads a gzipped or plain IDX file.

    Args:
        path: The file, e.g. ``train-images-idx3-ubyte.gz``.

    Returns:
        A writable array in native byte order with the file's dtype and shape,
        e.g. ``uint8`` of shape ``(60000, 28, 28)`` for Fashion-MNIST images.

    Raises:
        IdxFormatError: If the gzip stream is corrupt, the header is malformed
            or the data is shorter or longer than the dimensions say.

    Example:
        >>> labels = read_idx("train-labels-idx1-ubyte.gz")
        >>> labels.shape, labels.dtype
        ((60000,), dtype('uint8'))
    """
    data = _read_bytes(path)
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise IdxFormatError(
            f"{path} is not an IDX file: it must start with two zero bytes. "
            f"Received: first bytes {data[:4].hex(' ') or '(empty)'}"
        )
    type_code, ndim = data[2], data[3]
    dtype = _IDX_DTYPES.get(type_code)
    if dtype is None:
        known = ", ".join(f"0x{code:02X}" for code in _IDX_DTYPES)
        raise IdxFormatError(
            f"{path}: unknown IDX type byte; expected one of {known}. Received: 0x{type_code:02X}"
        )
    if ndim == 0:
        raise IdxFormatError(f"{path}: an IDX file needs at least one dimension. Received: 0")
    header_bytes = 4 + 4 * ndim
    if len(data) < header_bytes:
        raise IdxFormatError(
            f"{path}: truncated header; {ndim} dimensions need {header_bytes} bytes, "
            f"the file has {len(data)}"
        )
    shape = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    expected = math.prod(shape) * dtype.itemsize
    actual = len(data) - header_bytes
    if actual != expected:
        problem = "truncated" if actual < expected else "has trailing bytes"
        raise IdxFormatError(
            f"{path}: data {problem}; shape {shape} of {dtype.name} needs {expected} bytes "
            f"after the header, the file has {actual}"
        )
    values = np.frombuffer(data, dtype=dtype, offset=header_bytes).reshape(shape)
    return values.astype(dtype.newbyteorder("="), copy=True)


def _read_bytes(path: str | os.PathLike[str]) -> bytes:
    with open(path, "rb") as stream:
        data = stream.read()
    if not data.startswith(_GZIP_MAGIC):
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as err:
        raise IdxFormatError(f"{path}: corrupt or truncated gzip data ({err})") from None
