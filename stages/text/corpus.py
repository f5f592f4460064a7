"""The character corpus: cleaning, vocabulary, ids, training windows and held-out contexts."""
import collections
import hashlib
import json
import re
import unicodedata
from pathlib import Path

import numpy as np

from stages import params
from stages.cli import StageError
from stages.outputs import write_json

# U+FFFD never survives clean() (it becomes an em dash), so it is free to stand for "rare character".
OOV = "\ufffd"
EM_DASH = "\u2014"
# The text's three contiguous parts, in the order they occur in the book.
PARTS = ("train", "validation", "test")

_BLANK_LINE_RUN = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)+")


class Evaluation(params.Section):
    """params.yaml `text.evaluate`: the held-out loss definition, the LSTM's and the n-gram's alike."""

    context_len: params.PositiveInt  # each held-out character is predicted from this many preceding ones


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
    try:
        payload = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StageError(f"{path}: missing (run dvc repro to build it)") from None
    chars = payload.get("chars")
    if not isinstance(chars, list) or not chars or chars[0] != payload.get("oov"):
        raise StageError(f"{path}: expected 'chars' to be a list starting with the OOV symbol 'oov'")
    return payload


def split_points(length: int, validation_fraction: float, test_fraction: float) -> tuple[int, int]:
    """Where the validation part and the test part start: the text is train | validation | test, in order.

    The test part is the last `test_fraction` of the text, the validation part the `validation_fraction`
    before it; the training text is what the two held-out parts together leave (their sum, rounded once).
    """
    for name, fraction in (("validation_fraction", validation_fraction), ("test_fraction", test_fraction)):
        if not 0.0 < fraction < 1.0:
            raise ValueError(f"{name} must be in (0, 1), got {fraction}")
    if validation_fraction + test_fraction >= 1.0:
        raise ValueError(f"validation_fraction + test_fraction must be < 1, got {validation_fraction + test_fraction}")
    validation_start = length - int(round(length * (validation_fraction + test_fraction)))
    test_start = length - int(round(length * test_fraction))
    if not 0 < validation_start < test_start < length:
        raise ValueError(f"text of {length} characters is too short to hold a training, validation and test part")
    return validation_start, test_start


def held_out(parts: dict, part: str) -> tuple[np.ndarray, int]:
    """The ids up to the end of `part` ("validation" or "test") and where that part starts.

    context_windows() over them scores exactly that part's characters; the text after it is never read.
    """
    order = PARTS[: PARTS.index(part) + 1]
    return np.concatenate([parts[name] for name in order]), sum(len(parts[name]) for name in order[:-1])


def cut_windows(ids: np.ndarray, seq_len: int, step: int) -> np.ndarray:
    """Windows of `seq_len` + 1 characters starting every `step` characters, within `ids` only.

    Call it on the training and the validation part separately, so no window crosses a boundary;
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
    "last_character": the character after the inputs, shape (n,): the original notebook's objective.
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
    part before, as inputs only).
    """
    if start < context_len:
        raise ValueError(f"start={start} leaves fewer than context_len={context_len} characters of context")
    positions = np.arange(start, len(ids))
    contexts = ids[positions[:, None] - context_len + np.arange(context_len)]
    return contexts, ids[positions]
