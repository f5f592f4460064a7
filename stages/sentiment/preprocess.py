"""Stage: tokenize the reviews, build the train-only vocabulary, and write padded word-id splits (data/processed/imdb)."""
import argparse
from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from stages import params
from stages.cli import StageError, run
from stages.outputs import raw_input, save_arrays, write_json
from stages.sentiment import PREPROCESSING_SUMMARY, REVIEWS, SEQUENCES, SPLIT, VOCABULARY
from stages.sentiment.dataset import load_reviews
from stages.sentiment.encoding import OOV_ID, PADDING_ID, build_vocabulary, encode, save_vocabulary, words


class ReviewCounts(params.Section):
    train: params.PositiveInt
    test: params.PositiveInt


class Preprocessing(params.Section):
    """params.yaml `imdb`: reviews -> padded word-id sequences."""

    num_words: Annotated[int, Field(ge=3)]  # vocabulary size, counting the padding and OOV ids
    maxlen: params.PositiveInt
    truncating: Literal["pre", "post"]
    validation_fraction: params.Fraction
    seed: int
    expected_reviews: ReviewCounts


def validation_split(labels, fraction, seed):
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


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    config = params.load("imdb", Preprocessing)
    raw = raw_input(REVIEWS, "imdb")
    try:
        reviews = load_reviews(raw, expected_counts=config.expected_reviews.model_dump())
    except ValueError as error:
        raise StageError(f"{error} (imdb.expected_reviews in params.yaml)") from None
    # Built from the train split only: nothing about the test reviews leaks into the features.
    word_index = build_vocabulary(reviews, config.num_words)
    train, test = reviews[reviews["split"] == "train"], reviews[reviews["split"] == "test"]
    try:
        kept, held = validation_split(train["label"].to_numpy(), config.validation_fraction, config.seed)
    except ValueError as error:
        raise StageError(f"params.yaml: imdb.validation_fraction: {error}") from None
    summary = {"num_words": config.num_words, "maxlen": config.maxlen, "truncating": config.truncating}
    for name, rows in {"train": train.iloc[kept], "validation": train.iloc[held], "test": test}.items():
        sequences = encode(rows["text"], word_index, config.maxlen, config.truncating)
        save_arrays(SEQUENCES / f"{name}.npz", x=sequences, y=rows["label"].to_numpy().astype(np.uint8))
        filled = sequences != PADDING_ID
        summary[name] = {
            "reviews": len(rows),
            "positive_share": float(rows["label"].mean()),
            "truncated_share": float(np.mean(words(rows["text"].tolist()).row_lengths().numpy() > config.maxlen)),
            "oov_share": float((sequences == OOV_ID).sum() / max(filled.sum(), 1)),
        }
    save_arrays(SPLIT, train=kept, validation=held)
    save_vocabulary(VOCABULARY, word_index, config.maxlen, config.truncating)
    write_json(PREPROCESSING_SUMMARY, summary)
    print(summary)


if __name__ == "__main__":
    run(main)
