"""The IMDB reviews: tar-to-CSV conversion, loading checks, standardisation, vocabulary, sequences."""

import gzip
import json
import os
import re
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

COLUMNS = ["split", "label", "text"]
EXPECTED_COUNTS = {"train": 25_000, "test": 25_000}
PADDING_ID = 0
OOV_ID = 1
TRUNCATING_SIDES = ("pre", "post")

# aclImdb/<split>/<pos|neg>/<id>_<rating>.txt; unsup/ and the .feat/vocab files do not match.
_REVIEW_MEMBER = re.compile(r"^(?:\./)?aclImdb/(train|test)/(pos|neg)/(\d+)_(\d+)\.txt$")
_LINE_BREAK = re.compile(r"<br\s*/?>")
# Apostrophes are dropped rather than spaced so that "don't" stays one word ("dont").
_APOSTROPHE = re.compile(r"['\u2019]")
# Other punctuation becomes a space, so "good.the" or "bad--really" still split into words.
_PUNCTUATION = re.compile(r"[^\w\s]|_")


def _write_atomically(path: Path, write) -> None:
    """Call write(temp_path) on a temp file beside path, then rename it over path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        write(Path(temp_name))
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


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

    def write(temp_path: Path) -> None:
        # mtime=0 keeps the gzip bytes reproducible for the same reviews.
        with open(temp_path, "wb") as raw_file, gzip.GzipFile(
            filename=csv_path.with_suffix("").name, fileobj=raw_file, mode="wb", mtime=0
        ) as gzip_file:
            gzip_file.write(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))

    _write_atomically(Path(csv_path), write)
    return len(frame)


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


def standardise(text: str) -> str:
    """Lowercase, turn <br /> into a space, and strip punctuation."""
    text = _LINE_BREAK.sub(" ", text.lower())
    return _PUNCTUATION.sub(" ", _APOSTROPHE.sub("", text))


def tokenize(text: str) -> list[str]:
    """The words of a standardised text."""
    return standardise(text).split()


def build_vocabulary(reviews: pd.DataFrame, num_words: int) -> dict[str, int]:
    """Map the num_words - 2 most frequent train-split words to ids 2.. (0 is padding, 1 is OOV)."""
    if num_words < 3:
        raise ValueError(f"num_words must be at least 3 (padding, OOV and one word), got {num_words}")
    counts = Counter()
    for text in reviews.loc[reviews["split"] == "train", "text"]:
        counts.update(tokenize(text))
    # Ties are broken alphabetically so the ids do not depend on the row order.
    words = sorted(counts, key=lambda word: (-counts[word], word))[: num_words - 2]
    return {word: index for index, word in enumerate(words, start=OOV_ID + 1)}


def encode(texts, word_index: dict[str, int], maxlen: int, truncating: str = "pre") -> np.ndarray:
    """Padded int32 sequences of shape (len(texts), maxlen).

    truncating="pre" drops the start of a long review (keeps its last maxlen words), "post" drops
    the end. Padding is always at the end: zeros after the words are what the masked LSTM's
    cuDNN kernel expects (it needs right-padded masks).
    """
    if truncating not in TRUNCATING_SIDES:
        raise ValueError(f"truncating must be one of {TRUNCATING_SIDES}, got {truncating!r}")
    if maxlen < 1:
        raise ValueError(f"maxlen must be positive, got {maxlen}")
    sequences = np.full((len(texts), maxlen), PADDING_ID, dtype=np.int32)
    for row, text in enumerate(texts):
        ids = [word_index.get(word, OOV_ID) for word in tokenize(text)]
        ids = ids[-maxlen:] if truncating == "pre" else ids[:maxlen]
        sequences[row, : len(ids)] = ids
    return sequences


def save_vocabulary(path: Path, word_index: dict[str, int], maxlen: int, truncating: str) -> None:
    """Write the mapping and the sequence settings as JSON, for training and inference alike."""
    document = {
        "padding_id": PADDING_ID,
        "oov_id": OOV_ID,
        "num_words": len(word_index) + 2,
        "maxlen": maxlen,
        "truncating": truncating,
        "word_index": word_index,
    }
    _write_atomically(
        Path(path), lambda temp_path: temp_path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    )


def load_vocabulary(path: Path) -> dict:
    """Read a vocabulary written by save_vocabulary and check the reserved ids."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    missing = {"padding_id", "oov_id", "maxlen", "truncating", "word_index"} - set(document)
    if missing:
        raise ValueError(f"{path}: missing keys {sorted(missing)}")
    if (document["padding_id"], document["oov_id"]) != (PADDING_ID, OOV_ID):
        raise ValueError(f"{path}: expected padding id {PADDING_ID} and OOV id {OOV_ID}")
    return document


def validation_split(labels: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded, label-stratified (train_indices, validation_indices) over the train split."""
    if not 0 < fraction < 1:
        raise ValueError(f"validation fraction must be between 0 and 1, got {fraction}")
    rng = np.random.default_rng(seed)
    validation = []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        validation.append(members[: round(len(members) * fraction)])
    validation = np.sort(np.concatenate(validation))
    train = np.setdiff1d(np.arange(len(labels)), validation)
    return rng.permutation(train), validation
