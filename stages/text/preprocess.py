"""Stage: clean the book, split it into training, validation and test parts, build the vocabulary and cut windows (data/processed/text)."""
import argparse

from stages import params
from stages.cli import StageError, run
from stages.outputs import raw_input, save_arrays, write_json, write_text
from stages.text import BOOK, CORPUS_SUMMARY, IDS, TEST_TEXT, TRAIN_TEXT, VALIDATION_TEXT, VOCABULARY, WINDOWS
from stages.text.corpus import (
    build_vocabulary,
    clean,
    cut_windows,
    encode,
    save_vocabulary,
    sha256_text,
    split_points,
    unknown_characters,
)
from stages.text.dataset import check_corpus


class Corpus(params.Section):
    """params.yaml `text.corpus`: cleaning, vocabulary, split and windows."""

    lowercase: bool
    min_count: params.PositiveInt  # characters seen fewer times in the training text become OOV
    validation_fraction: params.Fraction  # held out after the training text: early stopping and tuning
    test_fraction: params.Fraction  # the last part of the text: only the final figures read it
    seq_len: params.PositiveInt
    step: params.PositiveInt


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    config = params.load("text.corpus", Corpus)
    raw = raw_input(BOOK, "text", check_corpus)
    corpus = clean(raw.read_text(encoding="utf-8"), config.lowercase)
    try:
        validation_start, test_start = split_points(len(corpus), config.validation_fraction, config.test_fraction)
    except ValueError as error:
        raise StageError(f"params.yaml: text.corpus: {error}") from None
    texts = {
        "train": corpus[:validation_start],
        "validation": corpus[validation_start:test_start],
        "test": corpus[test_start:],
    }
    # The vocabulary comes from the training part only, so the held-out text cannot shape it.
    vocabulary = build_vocabulary(texts["train"], config.min_count)
    ids = {part: encode(text, vocabulary) for part, text in texts.items()}
    # No test windows: training and early stopping never see the test part.
    try:
        windows = {part: cut_windows(ids[part], config.seq_len, config.step) for part in ("train", "validation")}
    except ValueError as error:
        raise StageError(f"params.yaml: text.corpus.seq_len: {error}") from None
    save_vocabulary(VOCABULARY, vocabulary, sha256_text(corpus), config.min_count)
    for path, part in ((TRAIN_TEXT, "train"), (VALIDATION_TEXT, "validation"), (TEST_TEXT, "test")):
        write_text(path, texts[part])
    save_arrays(IDS, **ids)
    save_arrays(WINDOWS, **windows)
    summary = {
        "lowercase": config.lowercase,
        "seq_len": config.seq_len,
        "characters": len(corpus),
        **{f"{part}_characters": len(text) for part, text in texts.items()},
        "vocabulary_size": len(vocabulary),
        "oov_characters": unknown_characters(corpus, vocabulary),
        "train_windows": len(windows["train"]),
        "validation_windows": len(windows["validation"]),
    }
    write_json(CORPUS_SUMMARY, summary)
    print(summary)


if __name__ == "__main__":
    run(main)
