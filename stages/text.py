"""The character-level corpus: cleaning, vocabulary, windows, n-gram baseline, sampling, sample metrics."""

from __future__ import annotations

import collections
import hashlib
import json
import math
import re
import unicodedata
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from stages.outputs import write_json
from stages.params import Distinct, Fraction, PositiveFloat, PositiveInt, Section

# U+FFFD never survives clean() (it becomes an em dash), so it is free to stand for "rare character".
OOV = "\ufffd"
EM_DASH = "\u2014"
FALLBACK_MAX_CHARS = 100_000

_BLANK_LINE_RUN = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


# ---------------------------------------------------------------- params (params.yaml `text`)


class Corpus(Section):
    """text.corpus: cleaning, vocabulary, split and windows (stage preprocess_text)."""

    lowercase: bool
    min_count: PositiveInt  # characters seen fewer times in the training text become OOV
    validation_fraction: Fraction  # the last part of the text, held out
    seq_len: PositiveInt
    step: PositiveInt


class CharModel(Section):
    """text.model: the LSTM (stages/models.py char_lstm) and its training objective."""

    embedding_size: PositiveInt
    lstm_units: PositiveInt
    dropout: Annotated[float, Field(ge=0, lt=1)]
    objective: Literal["every_position", "last_character"]


class Evaluation(Section):
    """text.evaluate: the held-out loss definition and the n-gram baseline."""

    context_len: PositiveInt  # each held-out character is predicted from this many preceding ones
    baseline_order: PositiveInt


class Generation(Section):
    """text.generate: one sample per temperature."""

    temperatures: Annotated[list[PositiveFloat], Field(min_length=1), Distinct]
    seed_text: str = Field(min_length=1)
    length: PositiveInt
    seed: int


# ---------------------------------------------------------------- cleaning


def clean(raw: str, lowercase: bool = False) -> str:
    """Return `raw` with LF newlines, U+FFFD as an em dash, NFC, optional lowercase, one blank line at most."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\ufffd", EM_DASH)
    text = unicodedata.normalize("NFC", text)
    if lowercase:
        text = text.lower()
    return _BLANK_LINE_RUN.sub("\n\n", text)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fallback_corpus(max_chars: int = FALLBACK_MAX_CHARS) -> str:
    """English prose from Python's own reference documentation (stdlib `pydoc_data.topics`).

    Indented lines (grammar and code examples) and heading underlines are dropped, hard-wrapped
    paragraphs are joined into one line each, as in the book, and whole paragraphs are kept up to
    `max_chars` so that training time stays close to the book's.
    """
    try:
        from pydoc_data.topics import topics
    except ImportError:  # some Linux distributions package it separately
        from stages.cli import StageError

        raise StageError("offline fallback: this Python lacks pydoc_data.topics; set DATA_MIRROR instead") from None
    underline = re.compile(r"[*=\-^~\"]{3,}")
    paragraphs: list[str] = []
    for name in sorted(topics):
        lines = [line for line in topics[name].splitlines()
                 if not line.startswith((" ", "\t")) and not underline.fullmatch(line.strip())]
        for block in re.split(r"\n\s*\n", "\n".join(lines)):
            paragraph = " ".join(block.split())
            if paragraph:
                paragraphs.append(paragraph)
    kept, size = [], 0
    for paragraph in paragraphs:
        if kept and size + len(paragraph) + 2 > max_chars:
            break
        kept.append(paragraph)
        size += len(paragraph) + 2
    return "\n\n".join(kept) + "\n"


def check_corpus(path: Path) -> dict:
    """A readable corpus is non-empty UTF-8 text; returns its size for the provenance record."""
    raw = Path(path).read_bytes().decode("utf-8")  # UnicodeDecodeError is a ValueError
    if not raw.strip():
        raise ValueError("the text is empty")
    return {"characters": len(raw), "lines": raw.count("\n")}


def write_fallback(path: Path) -> None:
    Path(path).write_text(fallback_corpus(), encoding="utf-8")


def dataset(source):
    """The download spec of the corpus (stages/download.py); the offline fallback is the pydoc prose."""
    from stages.sources import Dataset

    return Dataset(
        "text",
        "the_little_prince.txt",
        check_corpus,
        fallback=write_fallback,
        fallback_origin=f"pydoc_data.topics: Python's reference documentation, up to {FALLBACK_MAX_CHARS:,} characters of prose",
    )


# ---------------------------------------------------------------- vocabulary


def build_vocabulary(text: str, min_count: int) -> list[str]:
    """Id 0 is the OOV symbol, then every character seen at least `min_count` times, sorted."""
    if min_count < 1:
        raise ValueError(f"min_count must be >= 1, got {min_count}")
    counts = collections.Counter(text)
    return [OOV] + sorted(char for char, count in counts.items() if count >= min_count and char != OOV)


def encode(text: str, vocabulary: list[str]) -> np.ndarray:
    """Character ids; characters outside the vocabulary become the OOV id 0."""
    index = {char: i for i, char in enumerate(vocabulary)}
    return np.fromiter((index.get(char, 0) for char in text), dtype=np.int32, count=len(text))


def decode(ids, vocabulary: list[str]) -> str:
    return "".join(vocabulary[int(i)] for i in ids)


def unknown_characters(text: str, vocabulary: list[str]) -> list[str]:
    """The distinct characters of `text` that encode() maps to OOV, in order of appearance."""
    known = set(vocabulary[1:])
    return list(dict.fromkeys(char for char in text if char not in known))


def save_vocabulary(path: Path, vocabulary: list[str], corpus_sha256: str, min_count: int) -> None:
    write_json(path, {"oov": OOV, "min_count": min_count, "corpus_sha256": corpus_sha256, "chars": vocabulary})


def load_vocabulary(path: Path) -> dict:
    """The saved JSON: `chars` (id -> character, id 0 = `oov`), `corpus_sha256`, `min_count`."""
    from stages.cli import StageError

    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StageError(f"{path}: missing (run dvc repro to build it)") from None
    chars = payload.get("chars")
    if not isinstance(chars, list) or not chars or chars[0] != payload.get("oov"):
        raise StageError(f"{path}: expected 'chars' to be a list starting with the OOV symbol 'oov'")
    return payload


def split_index(length: int, validation_fraction: float) -> int:
    """Position where the held-out tail starts: the last `validation_fraction` of the text."""
    if not 0.0 < validation_fraction < 1.0:
        raise ValueError(f"validation_fraction must be in (0, 1), got {validation_fraction}")
    return length - int(round(length * validation_fraction))


def split_contiguous(ids: np.ndarray, validation_fraction: float) -> tuple[np.ndarray, np.ndarray]:
    cut = split_index(len(ids), validation_fraction)
    return ids[:cut], ids[cut:]


def cut_windows(ids: np.ndarray, seq_len: int, step: int) -> np.ndarray:
    """Windows of `seq_len` + 1 characters starting every `step` characters, within `ids` only.

    Call it on the training and the validation part separately, so no window crosses the split;
    inputs_and_targets() turns the windows into (x, y) for either objective.
    """
    if seq_len < 1 or step < 1:
        raise ValueError(f"seq_len and step must be >= 1, got seq_len={seq_len}, step={step}")
    starts = np.arange(0, len(ids) - seq_len, step)
    if len(starts) == 0:
        raise ValueError(f"text of {len(ids)} characters is too short for windows of seq_len={seq_len}")
    return ids[starts[:, None] + np.arange(seq_len + 1)]


def inputs_and_targets(windows: np.ndarray, objective: str) -> tuple[np.ndarray, np.ndarray]:
    """The first `seq_len` characters of each window, and the targets for `objective`.

    "every_position": the inputs shifted by one, shape (n, seq_len): every position is predicted.
    "last_character": the character after the inputs, shape (n,): the seed's objective.
    """
    if objective == "every_position":
        return windows[:, :-1], windows[:, 1:]
    if objective == "last_character":
        return windows[:, :-1], windows[:, -1]
    raise ValueError(f"objective must be 'every_position' or 'last_character', got {objective!r}")


def context_windows(ids: np.ndarray, start: int, context_len: int) -> tuple[np.ndarray, np.ndarray]:
    """For each position i >= start: the preceding `context_len` ids and the id at i.

    This is the one definition of held-out loss for both the LSTM and the n-gram: each held-out
    character given the `context_len` characters before it (the first ones reach back into the
    training text, as inputs only).
    """
    if start < context_len:
        raise ValueError(f"start={start} leaves fewer than context_len={context_len} characters of context")
    positions = np.arange(start, len(ids))
    contexts = ids[positions[:, None] - context_len + np.arange(context_len)]
    return contexts, ids[positions]


# ---------------------------------------------------------------- n-gram baseline


class NgramModel:
    """Character n-gram with interpolated absolute discounting (Ney et al. 1994), over vocabulary ids.

    P(c | h) = max(N(h c) - D, 0) / N(h) + D * T(h) / N(h) * P(c | h minus its first char),
    where T(h) is the number of distinct characters seen after h; an unseen h falls back to the
    shorter context, and order 0 is uniform over the vocabulary. D is the usual fixed 0.75: on this
    small corpus the per-order estimate n1 / (n1 + 2 n2) gave a worse held-out loss (1.463 vs 1.445).
    """

    def __init__(self, train_ids, order: int, vocabulary_size: int, discount: float = 0.75):
        if order < 1:
            raise ValueError(f"order must be >= 1, got {order}")
        if not 0.0 < discount < 1.0:
            raise ValueError(f"discount must be in (0, 1), got {discount}")
        self.order = order
        self.vocabulary_size = vocabulary_size
        self.discount = discount
        ids = [int(i) for i in train_ids]
        # counts[k][context of length k][next char]
        self.counts: list[dict[tuple, collections.Counter]] = []
        for k in range(order):
            table: dict[tuple, collections.Counter] = collections.defaultdict(collections.Counter)
            for i in range(k, len(ids)):
                table[tuple(ids[i - k:i])][ids[i]] += 1
            self.counts.append(dict(table))
        self.totals = [{h: sum(c.values()) for h, c in table.items()} for table in self.counts]

    def probability(self, context, char: int) -> float:
        context = tuple(int(i) for i in context)[-(self.order - 1):] if self.order > 1 else ()
        p = 1.0 / self.vocabulary_size
        for k in range(0, len(context) + 1):
            h = context[len(context) - k:]
            following = self.counts[k].get(h)
            if following is None:
                break  # a longer context containing h is unseen too
            total = self.totals[k][h]
            p = (max(following.get(char, 0) - self.discount, 0.0) + self.discount * len(following) * p) / total
        return p

    def distribution(self, context) -> np.ndarray:
        return np.array([self.probability(context, c) for c in range(self.vocabulary_size)])

    def mean_nll(self, ids: np.ndarray, start: int, context_len: int) -> float:
        """Mean -log P in nats/char of ids[start:], each given its preceding context (see context_windows)."""
        contexts, targets = context_windows(ids, start, context_len)
        return float(-np.mean([math.log(self.probability(h, t)) for h, t in zip(contexts, targets)]))


# ---------------------------------------------------------------- sampling


def apply_temperature(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """p ** (1 / T), renormalised, computed in log space so that a tiny T gives a one-hot argmax."""
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature}")
    with np.errstate(divide="ignore"):
        logits = np.log(np.asarray(probabilities, dtype=np.float64)) / temperature
    logits -= logits.max()
    scaled = np.exp(logits)
    return scaled / scaled.sum()


def sample_index(probabilities: np.ndarray, temperature: float, rng: np.random.Generator) -> int:
    scaled = apply_temperature(probabilities, temperature)
    return int(rng.choice(len(scaled), p=scaled))


def generate(predict, seed_ids, length: int, temperature: float, rng: np.random.Generator, context_len: int):
    """Sample `length` ids after `seed_ids`, each from predict(the last `context_len` ids) scaled by `temperature`.

    `predict` maps a 1-D array of ids to next-character probabilities. Returns the sampled ids and
    their mean log-likelihood under the unscaled model (nats/char): how much the model itself
    believes its own sample.
    """
    history = [int(i) for i in seed_ids]
    log_likelihood = 0.0
    for _ in range(length):
        probabilities = np.asarray(predict(np.array(history[-context_len:], dtype=np.int32)), dtype=np.float64)
        probabilities /= probabilities.sum()  # float32 softmax sums to 1 only approximately
        index = sample_index(probabilities, temperature, rng)
        log_likelihood += math.log(max(probabilities[index], 1e-300))
        history.append(index)
    return history[len(seed_ids):], log_likelihood / length


def entropy(probabilities: np.ndarray) -> float:
    p = np.asarray(probabilities, dtype=np.float64)
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


# ---------------------------------------------------------------- sample metrics


def words(text: str) -> list[str]:
    """Lowercased words: runs of letters, with inner apostrophes ("don't")."""
    return _WORD.findall(text.lower())


def _ngrams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]


def distinct_n(tokens: list[str], n: int) -> float:
    """Distinct n-grams / all n-grams (Li et al. 2016); 0.0 when there is no n-gram."""
    grams = _ngrams(tokens, n)
    return len(set(grams)) / len(grams) if grams else 0.0


def repetition_rate(tokens: list[str], n: int = 4) -> float:
    """Share of n-grams that repeat an earlier n-gram of the same text: 1 - distinct-n."""
    grams = _ngrams(tokens, n)
    return 1.0 - len(set(grams)) / len(grams) if grams else 0.0


def known_word_share(tokens: list[str], vocabulary_words: set[str]) -> float:
    return sum(token in vocabulary_words for token in tokens) / len(tokens) if tokens else 0.0


def sample_metrics(generated: str, training_words: set[str]) -> dict[str, float]:
    """Word-level metrics of a generated text (without its seed)."""
    tokens = words(generated)
    return {
        "distinct_2": distinct_n(tokens, 2),
        "distinct_3": distinct_n(tokens, 3),
        "repetition_rate_4": repetition_rate(tokens, 4),
        "known_word_share": known_word_share(tokens, training_words),
    }
