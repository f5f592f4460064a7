"""Stage: clean the book, split off its last part, build the vocabulary and cut training windows (data/processed/text)."""
import argparse

from stages import params
from stages.cli import StageError, run
from stages.outputs import raw_input, save_arrays, write_json, write_text
from stages.text import BOOK, CORPUS_SUMMARY, IDS, TRAIN_TEXT, VALIDATION_TEXT, VOCABULARY, WINDOWS
from stages.text.corpus import (
    build_vocabulary,
    clean,
    cut_windows,
    encode,
    save_vocabulary,
    sha256_text,
    split_index,
    unknown_characters,
)
from stages.text.dataset import check_corpus


class Corpus(params.Section):
    """params.yaml `text.corpus`: cleaning, vocabulary, split and windows."""

    lowercase: bool
    min_count: params.PositiveInt  # characters seen fewer times in the training text become OOV
    validation_fraction: params.Fraction  # the last part of the text, held out
    seq_len: params.PositiveInt
    step: params.PositiveInt


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    config = params.load("text.corpus", Corpus)
    raw = raw_input(BOOK, "text", check_corpus)
    corpus = clean(raw.read_text(encoding="utf-8"), config.lowercase)
    cut = split_index(len(corpus), config.validation_fraction)
    # The vocabulary comes from the training part only, so the held-out text cannot shape it.
    vocabulary = build_vocabulary(corpus[:cut], config.min_count)
    ids = encode(corpus, vocabulary)
    try:
        windows = {
            "train": cut_windows(ids[:cut], config.seq_len, config.step),
            "validation": cut_windows(ids[cut:], config.seq_len, config.step),
        }
    except ValueError as error:
        raise StageError(f"params.yaml: text.corpus.seq_len: {error}") from None
    save_vocabulary(VOCABULARY, vocabulary, sha256_text(corpus), config.min_count)
    write_text(TRAIN_TEXT, corpus[:cut])
    write_text(VALIDATION_TEXT, corpus[cut:])
    save_arrays(IDS, train=ids[:cut], validation=ids[cut:])
    save_arrays(WINDOWS, **windows)
    summary = {
        "lowercase": config.lowercase,
        "seq_len": config.seq_len,
        "characters": len(corpus),
        "train_characters": cut,
        "validation_characters": len(corpus) - cut,
        "vocabulary_size": len(vocabulary),
        "oov_characters": unknown_characters(corpus, vocabulary),
        "train_windows": len(windows["train"]),
        "validation_windows": len(windows["validation"]),
    }
    write_json(CORPUS_SUMMARY, summary)
    print(summary)


if __name__ == "__main__":
    run(main)
