"""Find a data file in the offline mirror, the cache or on the web, and verify it.

``$COURSE_DATA_DIR`` comes first so that graders never touch the network when a mirror
is present. A file from any source is returned only once its size and every digest the
registry knows have matched; a download is renamed into the cache only then.
"""

from __future__ import annotations

import hashlib
import http.client
import logging
import os
import tempfile
import urllib.request
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

from .registry import RemoteFile, get_dataset

__all__ = [
    "CACHE_ENV",
    "DATA_DIR_ENV",
    "DOWNLOAD_TIMEOUT_S",
    "OFFLINE_ENV",
    "ChecksumError",
    "DataError",
    "DataNotFoundError",
    "cache_dir",
    "fetch",
    "fetch_file",
    "verify_file",
]

DATA_DIR_ENV = "COURSE_DATA_DIR"
CACHE_ENV = "COURSE_DATA_CACHE"
OFFLINE_ENV = "COURSE_OFFLINE"
# Per socket operation (connect, each read): a dead server fails fast, a slow one still works.
DOWNLOAD_TIMEOUT_S = 20.0
_CHUNK_BYTES = 1 << 20
_TRUE_VALUES = frozenset({"1", "true", "yes", "on"})

_log = logging.getLogger(__name__)


class DataError(Exception):
    """A data file is missing, corrupt or malformed; the message says what to do."""


class DataNotFoundError(DataError):
    """No source (mirror, cache, download) could provide a data file."""


class ChecksumError(DataError):
    """A data file's size or digest differs from the registry's.

    Attributes:
        source: The path or URL that was checked.
        algorithm: ``"size"`` or the hashlib name of the digest that differed.
        expected: The registry's value.
        actual: The value measured on the file.
    """

    def __init__(
        self, source: str, algorithm: str, expected: str, actual: str, advice: str
    ) -> None:
        self.source = source
        self.algorithm = algorithm
        self.expected = expected
        self.actual = actual
        message = f"Checksum mismatch for {source}: {algorithm} expected {expected}, got {actual}."
        super().__init__(f"{message} {advice}")


def fetch(dataset_id: str, filename: str) -> Path:
    """Returns the verified local path of one file of a registered data set.

    Args:
        dataset_id: A key of `course_datasets.DATASETS`, e.g. ``"kaggle-house"``.
        filename: One of that data set's file names.

    Returns:
        The path of a file whose size and digests match the registry.

    Raises:
        ValueError: If the data set or file name is unknown.
        DataNotFoundError: If no source has the file.
        ChecksumError: If the file found, or downloaded, is not the expected one.

    Example:
        >>> path = fetch("kaggle-house", "kaggle_house_pred_train.csv")
    """
    dataset = get_dataset(dataset_id)
    return fetch_file(dataset.file(filename), dataset.dataset_id, dataset.mirror_folders)


def fetch_file(remote: RemoteFile, dataset_id: str, mirror_folders: Sequence[str] = ()) -> Path:
    """Returns the verified local path of a file described by a `RemoteFile`.

    Looks in ``$COURSE_DATA_DIR/<mirror folder>/<file>``, then
    ``$COURSE_DATA_DIR/<file>``, then the cache (see `cache_dir`), then
    downloads from ``remote.urls`` unless ``COURSE_OFFLINE=1``.

    Args:
        remote: The file and its checksums.
        dataset_id: Names the cache folder and appears in error messages.
        mirror_folders: Folder names to try under ``$COURSE_DATA_DIR``.

    Returns:
        The path of a file whose size and digests match ``remote``.

    Raises:
        DataNotFoundError: If no source has the file.
        ChecksumError: If the file found, or downloaded, is not the expected one.

    Example:
        >>> remote = RemoteFile("a.csv", urls=("https://example.org/a.csv",), sha1="0" * 40)
        >>> path = fetch_file(remote, "example")
    """
    for path in _mirror_candidates(remote.filename, mirror_folders):
        if path.is_file():
            verify_file(path, remote)
            return path
    cached = cache_dir(dataset_id) / remote.filename
    if cached.is_file():
        verify_file(cached, remote)
        return cached
    if not remote.urls or _offline():
        raise DataNotFoundError(_not_found_message(remote, dataset_id, mirror_folders, []))
    return _download(remote, dataset_id, mirror_folders, cached)


def verify_file(path: Path, remote: RemoteFile) -> None:
    """Checks a local file's size and every digest ``remote`` knows.

    Args:
        path: The file to check.
        remote: The registry entry it must match.

    Raises:
        ChecksumError: On the first size or digest that differs.

    Example:
        >>> remote = get_dataset("kaggle-house").file("kaggle_house_pred_test.csv")
        >>> verify_file(Path("kaggle_house_pred_test.csv"), remote)
    """
    advice = (
        "The file is corrupt or a different version: delete it (or replace it with the "
        "official file) and run again; a deleted cache file is downloaded again."
    )
    size = path.stat().st_size
    _check_size(str(path), remote, size, advice)
    with path.open("rb") as stream:
        chunks = iter(lambda: stream.read(_CHUNK_BYTES), b"")
        digests = _digest(remote, chunks)
    _check_digests(str(path), remote, digests, advice)


def cache_dir(dataset_id: str) -> Path:
    """Returns the folder where downloads of a data set are kept.

    It is ``$COURSE_DATA_CACHE/<dataset_id>`` when that variable is set, else
    ``$XDG_CACHE_HOME/keras-course/<dataset_id>``, else
    ``~/.cache/keras-course/<dataset_id>``. The folder may not exist yet.

    Args:
        dataset_id: The data set's registry id.

    Returns:
        The cache folder.

    Example:
        >>> cache_dir("kaggle-house").name
        'kaggle-house'
    """
    if root := os.environ.get(CACHE_ENV):
        return Path(root).expanduser() / dataset_id
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "keras-course" / dataset_id


def _offline() -> bool:
    return os.environ.get(OFFLINE_ENV, "").strip().lower() in _TRUE_VALUES


def _mirror_candidates(filename: str, mirror_folders: Sequence[str]) -> list[Path]:
    root = os.environ.get(DATA_DIR_ENV)
    if not root:
        return []
    base = Path(root).expanduser()
    return [base / folder / filename for folder in mirror_folders] + [base / filename]


def _digest(remote: RemoteFile, chunks: Iterable[bytes]) -> dict[str, str]:
    # usedforsecurity=False: MD5/SHA-1 check integrity here, and FIPS builds allow that.
    hashers = {name: hashlib.new(name, usedforsecurity=False) for name in remote.checksums}
    for chunk in chunks:
        for hasher in hashers.values():
            hasher.update(chunk)
    return {name: hasher.hexdigest() for name, hasher in hashers.items()}


def _check_size(source: str, remote: RemoteFile, size: int, advice: str) -> None:
    if remote.size is not None and size != remote.size:
        raise ChecksumError(source, "size", f"{remote.size} bytes", f"{size} bytes", advice)


def _check_digests(source: str, remote: RemoteFile, digests: dict[str, str], advice: str) -> None:
    for name, expected in remote.checksums.items():
        if digests[name] != expected:
            raise ChecksumError(source, name, expected, digests[name], advice)


def _download(
    remote: RemoteFile, dataset_id: str, mirror_folders: Sequence[str], target: Path
) -> Path:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DataError(
            f"Cannot create the cache folder {target.parent} ({err}); "
            f"set {CACHE_ENV} to a writable folder."
        ) from None
    failures: list[str] = []
    mismatch: ChecksumError | None = None
    for url in remote.urls:
        try:
            _download_one(url, remote, target)
        except ChecksumError as err:
            mismatch = err
        except (OSError, http.client.HTTPException) as err:
            failures.append(f"{url} ({err})")
        else:
            return target
    if mismatch is not None:
        raise mismatch
    raise DataNotFoundError(_not_found_message(remote, dataset_id, mirror_folders, failures))


def _download_one(url: str, remote: RemoteFile, target: Path) -> None:
    if not url.startswith(("https://", "http://")):
        raise ValueError(f"Only http(s) URLs are downloaded. Received: url={url!r}")
    _log.info("Downloading %s to %s", url, target)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    tmp = Path(tmp_name)
    advice = "Nothing was saved. Try again later, or put the official file in $COURSE_DATA_DIR."
    try:
        with (
            os.fdopen(fd, "wb") as out,
            # S310: the scheme is checked above, so file:// and custom openers are refused.
            urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response,  # noqa: S310
        ):
            digests = _digest(remote, _tee(response, out, remote.size))
            size = out.tell()
        _check_size(url, remote, size, advice)
        _check_digests(url, remote, digests, advice)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _tee(response: IO[bytes], out: IO[bytes], limit: int | None) -> Iterator[bytes]:
    while chunk := response.read(_CHUNK_BYTES):
        out.write(chunk)
        yield chunk
        if limit is not None and out.tell() > limit:
            return  # Never let a wrong server fill the disk.


def _not_found_message(
    remote: RemoteFile, dataset_id: str, mirror_folders: Sequence[str], failures: list[str]
) -> str:
    name = remote.filename
    folder = mirror_folders[0] if mirror_folders else dataset_id
    root = os.environ.get(DATA_DIR_ENV)
    if root:
        tried = " or ".join(str(p) for p in _mirror_candidates(name, mirror_folders))
        mirror = f"{DATA_DIR_ENV}={root}: no file {tried}"
    else:
        mirror = f"{DATA_DIR_ENV} is not set"
    location = f"<{DATA_DIR_ENV}>/{folder}/{name}"
    if not remote.urls:
        download = "no download: this data set has no URL, it exists only in the offline mirror"
        fix = f"Set {DATA_DIR_ENV} to the course's offline mirror (e.g. ../shared/datasets)"
    elif failures:
        download = "download failed: " + "; ".join(failures)
        fix = f"Check the network, or set {DATA_DIR_ENV} to a folder holding {location}"
    else:
        download = f"download disabled by {OFFLINE_ENV}=1; URLs: " + ", ".join(remote.urls)
        fix = f"Set {DATA_DIR_ENV} to a folder holding {location}, or unset {OFFLINE_ENV}"
    return (
        f"Data file {name!r} of data set {dataset_id!r} was not found.\n"
        f"  - {mirror}\n"
        f"  - cache: no file {cache_dir(dataset_id) / name}\n"
        f"  - {download}\n"
        f"{fix}; the expected layout is {location}."
    )
