"""Stage: the baseline the LSTM must beat, TF-IDF word n-grams + logistic regression, its n-gram range and C chosen on the validation reviews, scored on the test reviews (metrics/sentiment_baseline.json)."""
import argparse
import json
import time
from typing import Annotated

import numpy as np
from pydantic import Field

from stages import metrics, params, plots
from stages.cli import StageError, run
from stages.outputs import load_arrays, write_json
from stages.sentiment import BASELINE_GRID, BASELINE_METRICS, REVIEWS, SPLIT
from stages.sentiment.dataset import load_reviews
from stages.sentiment.encoding import standardize


class TfidfBaseline(params.Section):
    """params.yaml `sentiment.baseline`: the grid the validation reviews choose from."""

    max_ngrams: Annotated[list[params.PositiveInt], Field(min_length=1), params.Distinct]
    min_df: params.PositiveInt
    inverse_regularisations: Annotated[list[params.PositiveFloat], Field(min_length=1), params.Distinct]


def fit_grid(train_texts, train_labels, validation_texts, validation_labels, config):
    """Every (max_ngram, C) fitted on the training reviews and scored on the validation reviews.

    Returns the fitted (vectorizer, classifier) of the best validation accuracy (ties: the first, so
    the smaller n-gram range and C) and one row per setting.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    rows, best = [], None
    for max_ngram in sorted(config.max_ngrams):
        vectorizer = TfidfVectorizer(lowercase=False, ngram_range=(1, max_ngram), min_df=config.min_df, sublinear_tf=True)
        features = vectorizer.fit_transform(train_texts)
        validation_features = vectorizer.transform(validation_texts)
        for c in sorted(config.inverse_regularisations):
            classifier = LogisticRegression(C=c, max_iter=1000).fit(features, train_labels)
            accuracy = float(np.mean(classifier.predict(validation_features) == validation_labels))
            rows.append({"max_ngram": max_ngram, "inverse_regularisation": c, "validation_accuracy": accuracy})
            print(f"1- to {max_ngram}-grams, C={c}: validation accuracy {accuracy:.4f}", flush=True)
            if best is None or accuracy > best[0]:
                best = (accuracy, vectorizer, classifier)
    return best[1], best[2], rows


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    config = params.load("sentiment.baseline", TfidfBaseline)
    started = time.perf_counter()
    reviews = load_reviews(REVIEWS, expected_counts=None)
    # Standardised as the LSTM's reviews are, so that the two models see the same words.
    reviews["text"] = [text.decode("utf-8") for text in standardize(reviews["text"].tolist()).numpy()]
    split = load_arrays(SPLIT)
    train, test = reviews[reviews["split"] == "train"], reviews[reviews["split"] == "test"]
    if max(split["train"].max(), split["validation"].max()) >= len(train):
        raise StageError(f"{SPLIT}: indexes reviews beyond the {len(train)} of the train split (run: dvc repro preprocess_imdb)")
    # The same training and validation reviews as the LSTM's; the test reviews only score the chosen model.
    fitting, validation = train.iloc[split["train"]], train.iloc[split["validation"]]
    vectorizer, classifier, grid = fit_grid(
        fitting["text"], fitting["label"].to_numpy(), validation["text"], validation["label"].to_numpy(), config
    )
    chosen = max(grid, key=lambda row: row["validation_accuracy"])
    probabilities = classifier.predict_proba(vectorizer.transform(test["text"]))[:, 1]
    print(f"chosen on validation: 1- to {chosen['max_ngram']}-grams, C {chosen['inverse_regularisation']:g} "
          f"({len(vectorizer.vocabulary_)} features); {len(test)} test reviews")
    # At the classifier's own threshold of 0.5.
    scores = {**metrics.data_source("imdb"), **metrics.binary_classification(test["label"].to_numpy(), probabilities, 0.5)}
    write_json(BASELINE_METRICS, scores)
    plots.write_table(BASELINE_GRID, grid)
    print(json.dumps(scores, indent=2))
    print(f"baseline fitted and scored in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    run(main)
