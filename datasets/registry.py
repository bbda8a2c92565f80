"""What the course's data sets are: their files, where they come from, how to verify them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "DATASETS",
    "Dataset",
    "RemoteFile",
    "get_dataset",
]

_HEX_LENGTHS = {"sha256": 64, "sha1": 40, "md5": 32}


@dataclass(frozen=True)
class RemoteFile:
    """One file of a data set and everything known to verify it.

    Attributes:
        filename: The file's name, the same in every source (mirror, cache, URL).
        urls: Where it can be downloaded, tried in order. Empty when the file
            exists only in the offline mirror.
        size: Its length in bytes, when published.
        sha256: Hex SHA-256 digest, when known.
        sha1: Hex SHA-1 digest, when known.
        md5: Hex MD5 digest, when known.

    Raises:
        ValueError: If no digest is given or a digest is not lowercase hex of
            the right length. Every file is verified, so every entry needs one.
    """

    filename: str
    urls: tuple[str, ...] = ()
    size: int | None = None
    sha256: str | None = None
    sha1: str | None = None
    md5: str | None = None

    def __post_init__(self) -> None:
        if not self.checksums:
            raise ValueError(
                f"RemoteFile {self.filename!r} needs at least one of sha256, sha1 or md5. "
                "Received: none"
            )
        for algorithm, digest in self.checksums.items():
            if len(digest) != _HEX_LENGTHS[algorithm] or digest.strip("0123456789abcdef"):
                raise ValueError(
                    f"RemoteFile {self.filename!r}: {algorithm} must be "
                    f"{_HEX_LENGTHS[algorithm]} lowercase hex digits. Received: {digest!r}"
                )

    @property
    def checksums(self) -> dict[str, str]:
        """The known digests as ``{hashlib name: hex digest}``, strongest first."""
        pairs = (("sha256", self.sha256), ("sha1", self.sha1), ("md5", self.md5))
        return {name: digest for name, digest in pairs if digest is not None}


@dataclass(frozen=True)
class Dataset:
    """A named data set: its files and the folder names it has in a mirror.

    Attributes:
        dataset_id: The registry key, also the name of its cache folder.
        files: Its files.
        mirror_folders: Folder names to look for under ``$COURSE_DATA_DIR``.
        source: Where the data and the checksums come from (provenance).
    """

    dataset_id: str
    files: tuple[RemoteFile, ...]
    mirror_folders: tuple[str, ...]
    source: str

    def file(self, filename: str) -> RemoteFile:
        """Returns the entry for one of this data set's files.

        Args:
            filename: The file's name, e.g. ``"train-labels-idx1-ubyte.gz"``.

        Returns:
            The matching `RemoteFile`.

        Raises:
            ValueError: If the data set has no file of that name.
        """
        for remote in self.files:
            if remote.filename == filename:
                return remote
        names = ", ".join(remote.filename for remote in self.files)
        raise ValueError(
            f"Data set {self.dataset_id!r} has no file {filename!r}; its files are: {names}. "
            f"Received: filename={filename!r}"
        )


_KERAS_FASHION_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_ZALANDO_FASHION_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"
_D2L_DATA_URL = "http://d2l-data.s3-accelerate.amazonaws.com/"


def _fashion_file(filename: str, size: int, md5: str, sha256: str | None = None) -> RemoteFile:
    urls = (_KERAS_FASHION_URL + filename, _ZALANDO_FASHION_URL + filename)
    return RemoteFile(filename, urls=urls, size=size, md5=md5, sha256=sha256)


def _d2l_file(filename: str, size: int, sha1: str, sha256: str) -> RemoteFile:
    return RemoteFile(
        filename, urls=(_D2L_DATA_URL + filename,), size=size, sha1=sha1, sha256=sha256
    )


_FASHION_MNIST = Dataset(
    dataset_id="fashion-mnist",
    files=(
        _fashion_file("train-images-idx3-ubyte.gz", 26_421_880, "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
        _fashion_file(
            "train-labels-idx1-ubyte.gz",
            29_515,
            "25c81989df183df01b3e8a0aad5dffbe",
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        ),
        _fashion_file("t10k-images-idx3-ubyte.gz", 4_422_102, "bef4ecab320f06d8554ea6380940ec79"),
        _fashion_file(
            "t10k-labels-idx1-ubyte.gz",
            5_148,
            "bb300cfdad3c16e7a12a480ee83cd310",
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        ),
    ),
    mirror_folders=("fashion-mnist",),
    source="Fashion-MNIST (Zalando, MIT licence); sizes and MD5s from its official README, "
    "label SHA-256s computed on the official files.",
)

# No URL: this subset exists only in the offline mirror (../shared/datasets).
_FASHION_MNIST_SUBSET = Dataset(
    dataset_id="fashion-mnist-subset",
    files=(
        RemoteFile(
            "train-images-idx3-ubyte.gz",
            size=3_037_923,
            sha256="e88d33fab3837d8d0fe8fcd4e7cd224cac1b28456c31798ee407c5eb2f3712c0",
        ),
        RemoteFile(
            "train-labels-idx1-ubyte.gz",
            size=3_613,
            sha256="d35bc51f481acb0f1261409efd604dbf63b6bb668767030ab855f6eb477c38fa",
        ),
        RemoteFile(
            "t10k-images-idx3-ubyte.gz",
            size=534_977,
            sha256="d7e2a2efdd113b57d46fed93be9d2258a0730299da1e8c2175e099a8704b230a",
        ),
        RemoteFile(
            "t10k-labels-idx1-ubyte.gz",
            size=662,
            sha256="56d8881c35bd868b7c170eb3fc4d61624e001a528f54559457d754235563d442",
        ),
    ),
    mirror_folders=("fashion-mnist-subset",),
    source="First 8,226 images of the official Fashion-MNIST training split; "
    "SHA-256s from the offline mirror's SHA256SUMS.",
)

_KAGGLE_HOUSE = Dataset(
    dataset_id="kaggle-house",
    files=(
        _d2l_file(
            "kaggle_house_pred_train.csv",
            460_676,
            "585e9cc93e70b39160e7921475f9bcd7d31219ce",
            "1e18addf81e5e4d347cc17ee6075bbe4a42b7fa26b9e5b063e8f692a5f929d41",
        ),
        _d2l_file(
            "kaggle_house_pred_test.csv",
            451_405,
            "fa19780a7b011d9b009e8bff8e99922a8ee2eb90",
            "8fdd3d829d4d986b58f845c9553b225e67dd8383624d90fb6ca1d4bed5798c1e",
        ),
    ),
    mirror_folders=("kaggle-house",),
    source="Kaggle House Prices as mirrored by Dive into Deep Learning; "
    "SHA-1s from d2l DATA_HUB, SHA-256s from the offline mirror's SHA256SUMS.",
)

DATASETS: Mapping[str, Dataset] = MappingProxyType(
    {ds.dataset_id: ds for ds in (_FASHION_MNIST, _FASHION_MNIST_SUBSET, _KAGGLE_HOUSE)}
)


def get_dataset(dataset_id: str) -> Dataset:
    """Looks up a data set by id.

    Args:
        dataset_id: One of the keys of `DATASETS`.

    Returns:
        The registry entry.

    Raises:
        ValueError: If the id is unknown.

    Example:
        >>> get_dataset("kaggle-house").mirror_folders
        ('kaggle-house',)
    """
    try:
        return DATASETS[dataset_id]
    except KeyError:
        known = ", ".join(sorted(DATASETS))
        raise ValueError(
            f"Unknown data set; expected one of: {known}. Received: dataset_id={dataset_id!r}"
        ) from None
