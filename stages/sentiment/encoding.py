"""Review text -> word ids, one tokenizer for preprocessing, predict and the export: a Keras TextVectorization
whose standardisation is TensorFlow ops, so that the exported model tokenizes raw strings as training did."""
import json
from collections import Counter
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from stages.cli import StageError
from stages.outputs import write_text

PADDING_ID = 0  # TextVectorization's mask token ""
OOV_ID = 1  # and its out-of-vocabulary token
TRUNCATING_SIDES = ("pre", "post")


def standardize(texts):
    """Lowercase, turn <br /> into a space, drop apostrophes ("don't" stays one word, "dont"), and make every
    other run of characters that are neither letters nor digits one space."""
    # ICU's lowercasing stops at a NUL, which is a separator anyway.
    text = tf.strings.lower(tf.strings.regex_replace(texts, "\\x00", " "), encoding="utf-8")
    text = tf.strings.regex_replace(text, r"<br\s*/?>", " ")
    text = tf.strings.regex_replace(text, "['\u2019]", "")
    return tf.strings.regex_replace(text, r"[^\pL\pN]+", " ")


def words(texts):
    """The words of each text, a ragged string tensor."""
    return tf.strings.split(standardize(tf.constant(texts) if not tf.is_tensor(texts) else texts))


def build_vocabulary(reviews, num_words: int) -> dict[str, int]:
    """Map the num_words - 2 most frequent train-split words to ids 2.. (0 is padding, 1 is OOV)."""
    if num_words < 3:
        raise ValueError(f"num_words must be at least 3 (padding, OOV and one word), got {num_words}")
    texts = reviews.loc[reviews["split"] == "train", "text"].tolist()
    counts = Counter(words(texts).flat_values.numpy().tolist())
    # Ties are broken alphabetically so the ids do not depend on the row order (TextVectorization.adapt would
    # break them in reverse byte order).
    ranked = sorted(counts, key=lambda word: (-counts[word], word.decode("utf-8")))[: num_words - 2]
    return {word.decode("utf-8"): index for index, word in enumerate(ranked, start=OOV_ID + 1)}


class Encoder:
    """A string tensor of reviews -> int32 word ids (len(reviews), maxlen), in the graph as in eager code.

    truncating="pre" drops the start of a long review (keeps its last maxlen words), "post" its end.
    Padding is always at the end: zeros after the words are what the masked LSTM's cuDNN kernel expects.
    """

    def __init__(self, word_index: dict[str, int], maxlen: int, truncating: str = "pre"):
        if truncating not in TRUNCATING_SIDES:
            raise ValueError(f"truncating must be one of {TRUNCATING_SIDES}, got {truncating!r}")
        if maxlen < 1:
            raise ValueError(f"maxlen must be positive, got {maxlen}")
        vocabulary = sorted(word_index, key=word_index.get)
        if [word_index[word] for word in vocabulary] != list(range(OOV_ID + 1, OOV_ID + 1 + len(vocabulary))):
            raise ValueError(f"word ids must run from {OOV_ID + 1} without gaps")
        # Ragged: output_sequence_length would keep the first maxlen words, and "pre" needs the last.
        self.vectorize = keras.layers.TextVectorization(standardize=standardize, vocabulary=vocabulary, ragged=True)
        self.maxlen, self.truncating = maxlen, truncating

    def __call__(self, reviews):
        ids = self.vectorize(reviews)
        ids = ids[:, -self.maxlen :] if self.truncating == "pre" else ids[:, : self.maxlen]
        return tf.cast(ids.to_tensor(default_value=PADDING_ID, shape=[None, self.maxlen]), tf.int32)


def encode(texts, word_index: dict[str, int], maxlen: int, truncating: str = "pre") -> np.ndarray:
    """Encoder(word_index, maxlen, truncating) of a list of texts, as a NumPy array."""
    return Encoder(word_index, maxlen, truncating)(tf.constant(list(texts), dtype=tf.string)).numpy()


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
