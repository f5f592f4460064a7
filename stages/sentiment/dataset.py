"""The IMDB download spec: the official tarball streamed into the canonical CSV, and the checks of that CSV."""
import gzip
import re
import tarfile
from pathlib import Path

import pandas as pd

from stages.cli import StageError
from stages.outputs import atomic_path
from stages.sentiment import REVIEWS
from stages.sources import Dataset

CSV_NAME = "imdb_reviews.csv"
COLUMNS = ["split", "label", "text"]
EXPECTED_COUNTS = {"train": 25_000, "test": 25_000}

# aclImdb/<split>/<pos|neg>/<id>_<rating>.txt; unsup/ and the .feat/vocab files do not match.
_REVIEW_MEMBER = re.compile(r"^(?:\./)?aclImdb/(train|test)/(pos|neg)/(\d+)_(\d+)\.txt$")


def tar_to_csv(tar_path: Path, csv_path: Path) -> int:
    """Stream aclImdb_v1.tar.gz into the canonical gzip CSV (split,label,text); return the row count.

    Rows come out in the mirror's order (train before test, pos before neg, ascending id), so a
    converted download has the same content as the mirror file whatever the order in the tar.
    """
    rows = []
    # "r|gz" reads the archive as a stream: nothing is unpacked to disk, members are read once.
    with tarfile.open(tar_path, mode="r|gz") as archive:
        for member in archive:
            match = _REVIEW_MEMBER.match(member.name)
            if match is None or not member.isfile():
                continue
            split, polarity, review_id, _rating = match.groups()
            raw = archive.extractfile(member).read()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as error:
                raise ValueError(f"{tar_path}: {member.name} is not valid UTF-8 ({error})") from None
            rows.append((split != "train", polarity != "pos", int(review_id), split, int(polarity == "pos"), text))
    if not rows:
        raise ValueError(f"{tar_path}: no aclImdb/{{train,test}}/{{pos,neg}}/*.txt reviews found")
    rows.sort(key=lambda row: row[:3])
    frame = pd.DataFrame([row[3:] for row in rows], columns=COLUMNS)

    # A fixed name and mtime=0 in the gzip header make the bytes depend on the reviews only; the
    # mirror's imdb_reviews.csv.gz is written exactly this way, so the two can be compared by sha256.
    with atomic_path(csv_path) as temporary, open(temporary, "wb") as raw_file, gzip.GzipFile(
        filename=CSV_NAME, fileobj=raw_file, mode="wb", mtime=0
    ) as gzip_file:
        gzip_file.write(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return len(frame)


def convert_archive(tar_path: Path, csv_path: Path) -> None:
    """The download's conversion step: tar_to_csv, with a broken archive reported in one line."""
    try:
        tar_to_csv(tar_path, csv_path)
    except (ValueError, EOFError, tarfile.TarError) as error:
        raise StageError(f"{tar_path}: cannot convert to {REVIEWS.name}: {error}") from None


def check_reviews(csv_path: Path) -> dict:
    """The download's check: columns, labels and balance, and the counts for the provenance record.

    The 25,000/25,000 counts are checked by preprocessing (imdb.expected_reviews), so that tests can
    run the pipeline on a tiny mirror.
    """
    reviews = load_reviews(csv_path, expected_counts=None)
    counts = reviews["split"].value_counts()
    return {"train_samples": int(counts.get("train", 0)), "test_samples": int(counts.get("test", 0))}


def dataset(source) -> Dataset:
    """The download spec: the mirror's CSV as it is, or the official tarball converted to it.

    There is no offline fallback: no installed package ships these reviews.
    """
    return Dataset("imdb", REVIEWS.name, check_reviews, convert=convert_archive)


def load_reviews(
    csv_path: Path,
    expected_counts: dict[str, int] | None = EXPECTED_COUNTS,
    max_label_skew: float = 0.05,
) -> pd.DataFrame:
    """Read the canonical CSV and check its columns, split counts and label balance.

    expected_counts=None skips the count check (tiny test data); max_label_skew is the largest
    allowed distance of each split's positive share from one half.
    """
    # Some reviews are words such as "NA" or "null": keep_default_na=False keeps them as text.
    reviews = pd.read_csv(csv_path, keep_default_na=False, dtype={"split": str, "text": str})
    if list(reviews.columns) != COLUMNS:
        raise ValueError(f"{csv_path}: expected columns {COLUMNS}, found {list(reviews.columns)}")
    unknown_splits = sorted(set(reviews["split"]) - {"train", "test"})
    if unknown_splits:
        raise ValueError(f"{csv_path}: split must be 'train' or 'test', found {unknown_splits}")
    labels = pd.to_numeric(reviews["label"], errors="coerce")
    if not labels.isin([0, 1]).all():
        bad = sorted(set(reviews.loc[~labels.isin([0, 1]), "label"].astype(str)))[:5]
        raise ValueError(f"{csv_path}: label must be 0 or 1, found {bad}")
    reviews["label"] = labels.astype("int64")
    empty = int((reviews["text"].str.strip() == "").sum())
    if empty:
        raise ValueError(f"{csv_path}: {empty} reviews have empty text")
    for split in ("train", "test"):
        in_split = reviews[reviews["split"] == split]
        if expected_counts is not None and len(in_split) != expected_counts[split]:
            raise ValueError(
                f"{csv_path}: expected {expected_counts[split]:,} {split} reviews, found {len(in_split):,}"
                " (a truncated or wrong file? delete it and run the download again)"
            )
        if len(in_split) == 0:
            raise ValueError(f"{csv_path}: no {split} reviews")
        positive_share = in_split["label"].mean()
        if abs(positive_share - 0.5) > max_label_skew:
            raise ValueError(
                f"{csv_path}: {split} split is {positive_share:.1%} positive,"
                f" expected 50% +/- {max_label_skew:.0%}"
            )
    return reviews
