"""End to end: the text stages under `dvc repro` on a tiny synthetic corpus, what they write, what a temperature or
baseline change re-runs, and training under `MirroredStrategy`."""
import json
import math

import numpy as np
import pandas as pd
import pytest

from conftest import picture
from stages.text import corpus as text_corpus

TINY = {
    "text.corpus.seq_len": 20,
    "text.corpus.step": 5,
    "text.model.embedding_size": 8,
    "text.model.lstm_units": 16,
    "text.train.epochs": 2,
    "text.train.batch_size": 64,
    "text.evaluate.context_len": 10,
    "text.baseline.orders": [2, 5],
    "text.baseline.discounts": [0.5, 0.75],
    "text.generate.temperatures": [0.5, 1.5],
    "text.generate.length": 40,
    # "~" never occurs in the corpus: it is fed to the model as the OOV symbol, with a warning.
    "text.generate.seed_text": "The little prince~",
}
TEXT_STAGES = {
    "download@text",
    "preprocess_text",
    "train_text",
    "baseline_text",
    "evaluate_text",
    "generate_text@0.5",
    "generate_text@1.5",
    "generate_text_summary",
}


def synthetic_book(sentences=150, seed=0):
    """A few thousand characters of made-up prose, stored like the official copy: CRLF and U+FFFD dashes."""
    rng = np.random.default_rng(seed)
    subjects = ["The little prince", "The fox", "The rose", "The pilot", "The king"]
    verbs = ["looked at", "spoke to", "waited for", "laughed at", "tamed"]
    objects = ["the stars", "the sheep", "the desert", "the volcano", "the sunset"]
    paragraphs = []
    for start in range(0, sentences, 5):
        paragraphs.append(" ".join(
            f"{subjects[rng.integers(5)]} {verbs[rng.integers(5)]} {objects[rng.integers(5)]} \ufffd again."
            for _ in range(min(5, sentences - start))
        ))
    return "\r\n\r\n\r\n".join(paragraphs) + "\r\n"


def test_text_stages_write_their_results_and_rerun_only_generation_on_new_temperatures(tiny_pipeline, trained_repo):
    repo = trained_repo
    # The session's first run ran these stages from nothing; they are exactly what the targets need.
    assert TEXT_STAGES <= tiny_pipeline.ran
    assert repo.repro("--dry", "-f", "evaluate_text", "generate_text_summary") == TEXT_STAGES

    cleaned = (repo.path / "data/processed/text/train.txt").read_text(encoding="utf-8")
    assert "\r" not in cleaned and "\ufffd" not in cleaned and "\u2014 again." in cleaned
    assert "\n\n\n" not in cleaned

    summary = json.loads((repo.path / "data/processed/text/corpus.json").read_text())
    for part in ("validation", "test"):
        assert abs(summary[f"{part}_characters"] - summary["characters"] * 0.05) <= 1
    baseline = json.loads((repo.path / "metrics/text_baseline.json").read_text())
    grid = pd.read_csv(repo.path / "plots/text/baseline_grid.csv")
    assert len(grid) == 4 and baseline["val_loss"] == pytest.approx(grid["val_loss"].min())

    scores = json.loads((repo.path / "metrics/text.json").read_text())
    assert set(scores) == set(baseline) == {"data_source", "val_loss", "test_loss"} and scores["data_source"] == "mirror"
    vocabulary = text_corpus.load_vocabulary(repo.path / "data/processed/text/vocabulary.json")["chars"]
    for part in ("val", "test"):
        assert 0 < scores[f"{part}_loss"] < math.log(len(vocabulary))  # better than uniform after two epochs
    # the n-gram learns this repetitive text well
    assert 0 < baseline["test_loss"] < 1.5
    compared = pd.read_csv(repo.path / "plots/text/test_loss.csv")
    assert compared["test_loss"].tolist() == [scores["test_loss"], baseline["test_loss"]]
    curve = pd.read_csv(repo.path / "plots/train/text/plots/metrics/eval/loss.tsv", sep="\t")
    assert curve["step"].tolist() == [0, 1]

    for temperature in ("0.5", "1.5"):
        sample = json.loads((repo.path / f"plots/text/samples/temperature_{temperature}.json").read_text())
        assert sample["temperature"] == float(temperature) and sample["length"] == 40
        for key in ("distinct_2", "distinct_3", "repetition_rate_4", "known_word_share"):
            assert 0 <= sample[key] <= 1
        assert sample["sample_log_likelihood"] < 0
        written = (repo.path / f"plots/text/samples/temperature_{temperature}.txt").read_text(encoding="utf-8")
        assert written.startswith("The little prince~") and len(written) == len("The little prince~") + 40 + 1
    table = pd.read_csv(repo.path / "plots/text/temperature_metrics.csv")
    assert table["temperature"].tolist() == [0.5, 1.5]
    # Two panels: the sample's ratios and its log-likelihood, by temperature.
    assert picture(repo.path / "plots/text/temperature_metrics.png").shape == (360, 2 * 500, 3)
    assert "## Temperature 1.5" in (repo.path / "plots/text/samples.md").read_text(encoding="utf-8")

    targets = ("evaluate_text", "generate_text_summary")
    # A new temperature runs its own stage and the summary; training and the kept temperature stay cached.
    assert repo.reruns({"text.generate.temperatures": [0.5, 2.0]}, *targets) == {"generate_text@2.0",
                                                                                 "generate_text_summary"}
    # A new baseline grid re-runs the baseline and what reads its choice, never training.
    assert repo.reruns({"text.baseline.discounts": [0.5, 0.9]}, *targets) == {"baseline_text", "evaluate_text"}

    model = repo.path / "data/models/text.keras"
    model.unlink()
    assert "MirroredStrategy, 2 replica(s)" in repo.train_mirrored("text")
    assert model.is_file()


def test_text_download_falls_back_to_the_pydoc_prose_offline(repo):
    repo.set_params({"download.text.sources": ["fallback"]})
    assert repo.repro("download@text") == {"download@text"}
    record = json.loads((repo.path / "data/raw/text.source.json").read_text())
    assert record["kind"] == "fallback" and "pydoc_data" in record["location"]
    corpus = (repo.path / "data/raw/the_little_prince.txt").read_text(encoding="utf-8")
    assert record["characters"] == len(corpus) > 50_000
