"""End to end: the IMDB sentiment stages under `dvc repro` on a tiny synthetic mirror, what they write, what a param
change re-runs, and training under `MirroredStrategy`."""
import json

import numpy as np
import pandas as pd
import pytest

from conftest import picture
from test_predict import in_process

POSITIVE = ["great", "wonderful", "superb", "moving", "brilliant", "charming"]
NEGATIVE = ["awful", "boring", "dull", "terrible", "waste", "clumsy"]
FILLER = ["the", "film", "plot", "actor", "scene", "was", "and", "a", "story", "music"]
TRAIN_PER_CLASS, TEST_PER_CLASS = 40, 20
TINY = {
    "imdb.num_words": 20,  # of the 24 distinct words, so the cap applies
    "imdb.maxlen": 12,
    "imdb.expected_reviews": {"train": 2 * TRAIN_PER_CLASS, "test": 2 * TEST_PER_CLASS},
    "sentiment.model.embedding_dim": 8,
    "sentiment.model.lstm_units": 8,
    "sentiment.train.epochs": 2,
    "sentiment.train.batch_size": 16,
    "sentiment.train.learning_rate": 0.01,
    "sentiment.baseline.max_ngrams": [1, 2],
    "sentiment.baseline.inverse_regularisations": [0.01, 4.0],
}
SENTIMENT_STAGES = {"preprocess_imdb", "train_sentiment", "baseline_sentiment", "evaluate_sentiment"}


def write_reviews(path, seed=0):
    """A tiny imdb_reviews.csv.gz: filler words plus three words of the review's polarity, with markup."""
    rng = np.random.default_rng(seed)
    rows = []
    for split, per_class in (("train", TRAIN_PER_CLASS), ("test", TEST_PER_CLASS)):
        for label, words in ((1, POSITIVE), (0, NEGATIVE)):
            for _ in range(per_class):
                review = [*rng.choice(FILLER, 8), *rng.choice(words, 3)]
                rng.shuffle(review)
                rows.append((split, label, " ".join(review).capitalize() + "!<br /><br />The end."))
    rows[0] = ("train", 1, "NA")  # must stay text, not become a missing value
    pd.DataFrame(rows, columns=["split", "label", "text"]).to_csv(path, index=False, compression="gzip")


def test_sentiment_stages_write_their_results_predict_and_rerun_what_a_param_changes(
    tiny_pipeline, trained_repo, monkeypatch, capsys
):
    repo = trained_repo
    # The session's first run ran these stages from nothing; they are exactly what the target needs.
    assert {"download@imdb", *SENTIMENT_STAGES} <= tiny_pipeline.ran
    assert repo.repro("--dry", "-f", "evaluate_sentiment", "baseline_sentiment") == {"download@imdb", *SENTIMENT_STAGES}

    source = json.loads((repo.path / "data/raw/imdb.source.json").read_text())
    assert source["kind"] == "mirror" and (source["train_samples"], source["test_samples"]) == (80, 40)
    summary = json.loads((repo.path / "data/processed/imdb/summary.json").read_text())
    assert (summary["train"]["reviews"], summary["validation"]["reviews"], summary["test"]["reviews"]) == (72, 8, 40)
    vocabulary = json.loads((repo.path / "data/models/sentiment/vocabulary.json").read_text())
    assert vocabulary["num_words"] == 20 and vocabulary["maxlen"] == 12
    assert sorted(vocabulary["word_index"].values()) == list(range(2, 20))  # 0 padding, 1 OOV

    scores = json.loads((repo.path / "metrics/sentiment.json").read_text())
    baseline = json.loads((repo.path / "metrics/sentiment_baseline.json").read_text())
    assert set(scores) == set(baseline) == {"data_source", "accuracy", "precision", "recall", "f1", "roc_auc"}
    assert scores["data_source"] == baseline["data_source"] == "mirror"
    for key in ("accuracy", "precision", "recall", "f1", "roc_auc"):
        assert 0 <= scores[key] <= 1, key
    # Four settings tried on the 8 validation reviews; the first best (smaller n-grams, then smaller C) wins.
    tried = pd.read_csv(repo.path / "plots/sentiment/baseline_grid.csv")
    assert list(zip(tried["max_ngram"], tried["inverse_regularisation"])) == [(1, 0.01), (1, 4.0), (2, 0.01), (2, 4.0)]
    # Three polarity words in every review: TF-IDF separates them perfectly.
    assert baseline["accuracy"] == 1.0
    plots = repo.path / "plots/sentiment"
    confusion = pd.read_csv(plots / "confusion.csv")
    assert len(confusion) == 40 and set(confusion["actual"]) == {0, 1}
    assert np.mean(confusion["actual"] == confusion["predicted"]) == pytest.approx(scores["accuracy"])
    sweep = pd.read_csv(plots / "threshold_sweep.csv")
    assert list(sweep.columns) == ["threshold", "precision", "recall", "f1"] and len(sweep) == 99
    assert sweep["recall"].is_monotonic_decreasing
    assert list(pd.read_csv(plots / "roc.csv").columns) == ["fpr", "tpr"]
    assert list(pd.read_csv(plots / "precision_recall.csv").columns) == ["recall", "precision"]
    assert picture(plots / "confusion_matrix.png").shape == (380, 460, 3)
    curve = pd.read_csv(repo.path / "plots/train/sentiment/plots/metrics/eval/loss.tsv", sep="\t")
    assert len(curve) >= 1

    # Predict with the trained model, one review and a file of them.
    in_process("stages.sentiment.predict", repo.path, monkeypatch, "A wonderful, superb and moving film.")
    output = capsys.readouterr().out
    assert output.startswith("probability=") and output.split("label=")[1].strip() in {"positive", "negative"}
    (repo.path / "reviews.txt").write_text("Great film!\n\nAwful, boring, a waste.\n")
    in_process("stages.sentiment.predict", repo.path, monkeypatch, "--file", "reviews.txt")
    assert [line.split(":")[0] for line in capsys.readouterr().out.splitlines()] == ["line 1", "line 3"]

    targets = ("evaluate_sentiment", "baseline_sentiment")
    assert repo.reruns({"sentiment.evaluate.threshold": 0.6}, *targets) == {"evaluate_sentiment"}
    # A new baseline grid re-runs the baseline alone: the evaluation reads the LSTM only.
    assert repo.reruns({"sentiment.baseline.inverse_regularisations": [4.0, 8.0]}, *targets) == {"baseline_sentiment"}
    # The vocabulary size changes only the LSTM's input: the baseline reads the raw text of the same
    # split (split.npz, unchanged), so it stays cached.
    repo.set_params({"imdb.num_words": 12})
    assert repo.repro("preprocess_imdb") == {"preprocess_imdb"}
    assert json.loads((repo.path / "data/processed/imdb/vocabulary.json").read_text())["num_words"] == 12
    assert repo.repro("--dry", *targets) == {"train_sentiment", "evaluate_sentiment"}

    model = repo.path / "data/models/sentiment/model.keras"
    model.unlink()
    assert "MirroredStrategy, 2 replica(s)" in repo.train_mirrored("sentiment")
    assert model.is_file()
