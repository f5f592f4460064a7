"""Review text -> word ids: standardisation, the vocabulary, and padded sequences, shared by training and predict."""
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from stages.cli import StageError
from stages.outputs import write_text

PADDING_ID = 0
OOV_ID = 1
TRUNCATING_SIDES = ("pre", "post")

_LINE_BREAK = re.compile(r"<br\s*/?>")
# Apostrophes are dropped rather than spaced so that "don't" stays one word ("dont").
_APOSTROPHE = re.compile(r"['\u2019]")
# Other punctuation becomes a space, so "good.the" or "bad--really" still split into words.
_PUNCTUATION = re.compile(r"[^\w\s]|_")


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
