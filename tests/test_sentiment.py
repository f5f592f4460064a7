"""Sentiment evaluation metrics on a known confusion matrix, and the predict command's clear errors."""
import numpy as np
import pytest

from stages import metrics
from test_predict import error_of

# 4 positives, 6 negatives. At threshold 0.5: TP 3, FN 1, FP 2, TN 4.
LABELS = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
PROBABILITIES = np.array([0.9, 0.8, 0.7, 0.2, 0.6, 0.55, 0.4, 0.3, 0.1, 0.05])


def test_binary_classification_on_a_known_confusion_matrix():
    scores = metrics.binary_classification(LABELS, PROBABILITIES, threshold=0.5)
    assert scores == pytest.approx(
        {
            "accuracy": 7 / 10,
            "precision": 3 / 5,
            "recall": 3 / 4,
            "f1": 2 * 3 / (2 * 3 + 2 + 1),
            # 20 of the 24 (positive, negative) pairs are ranked the right way round.
            "roc_auc": 20 / 24,
        }
    )
    stricter = metrics.binary_classification(LABELS, PROBABILITIES, threshold=0.65, prefix="baseline_")
    assert stricter["baseline_precision"] == 1.0 and stricter["baseline_recall"] == 0.75
    assert stricter["baseline_roc_auc"] == scores["roc_auc"]


def test_threshold_sweep_trades_precision_for_recall():
    rows = metrics.threshold_sweep(LABELS, PROBABILITIES, [0.15, 0.5, 0.65, 0.95])
    assert [row["threshold"] for row in rows] == [0.15, 0.5, 0.65, 0.95]
    assert [row["recall"] for row in rows] == [1.0, 0.75, 0.75, 0.0]
    assert [row["precision"] for row in rows] == pytest.approx([4 / 8, 3 / 5, 1.0, 0.0])
    assert rows[1]["f1"] == pytest.approx(2 / 3)


def test_curve_points_thin_a_curve_and_keep_its_ends():
    x = np.linspace(0, 1, 2001)
    rows = metrics.curve_points(x, x**2, "fpr", "tpr", max_points=100)
    assert len(rows) == 100
    assert rows[0] == {"fpr": 0.0, "tpr": 0.0} and rows[-1] == {"fpr": 1.0, "tpr": 1.0}
    assert len(metrics.curve_points(x[:5], x[:5], "a", "b", max_points=100)) == 5


MODULE = "stages.sentiment.predict"


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["   "], "empty review"),
        (["caf\udce9 was great"], "not valid UTF-8"),  # how Python hands over a command line's Latin-1 byte
        (["!!! ... ?"], "no words left"),
        ([], "give a review"),
    ],
)
def test_predict_rejects_bad_text_in_one_line(tmp_path, monkeypatch, arguments, message):
    assert message in error_of(MODULE, tmp_path, monkeypatch, *arguments)


def test_predict_rejects_bad_files_in_one_line(tmp_path, monkeypatch):
    (tmp_path / "latin1.txt").write_bytes("a fine film\nun caf\xe9 horrible\n".encode("latin-1"))
    (tmp_path / "blank.txt").write_text("\n   \n")
    error = error_of(MODULE, tmp_path, monkeypatch, "--file", "latin1.txt")
    assert "latin1.txt: line 2: byte 0xe9" in error and "not UTF-8" in error
    assert "blank.txt: empty" in error_of(MODULE, tmp_path, monkeypatch, "--file", "blank.txt")
    assert "absent.txt: cannot read it" in error_of(MODULE, tmp_path, monkeypatch, "--file", "absent.txt")


def test_predict_without_a_trained_model_says_to_run_dvc_repro(tmp_path, monkeypatch):
    assert error_of(MODULE, tmp_path, monkeypatch, "a fine film") == (
        "data/models/sentiment/model.keras: missing model (run dvc repro first)"
    )
