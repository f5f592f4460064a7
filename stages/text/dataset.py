"""The corpus download spec: checks, and the offline fallback prose from Python's own documentation."""
import re
from pathlib import Path

from stages.cli import StageError
from stages.sources import Dataset
from stages.text import BOOK

FALLBACK_MAX_CHARS = 100_000


def fallback_corpus(max_chars: int = FALLBACK_MAX_CHARS) -> str:
    """English prose from Python's own reference documentation (stdlib `pydoc_data.topics`).

    Indented lines (grammar and code examples) and heading underlines are dropped, hard-wrapped
    paragraphs are joined into one line each, as in the book, and whole paragraphs are kept up to
    `max_chars` so that training time stays close to the book's.
    """
    try:
        from pydoc_data.topics import topics
    except ImportError:  # some Linux distributions package it separately
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
    """The download spec of the corpus; the offline fallback is the pydoc prose."""
    from stages.sources import Dataset

    return Dataset(
        "text",
        BOOK.name,
        check_corpus,
        fallback=write_fallback,
        fallback_origin=f"pydoc_data.topics: Python's reference documentation, up to {FALLBACK_MAX_CHARS:,} characters of prose",
    )
