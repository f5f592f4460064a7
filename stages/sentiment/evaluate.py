"""Stage: score the LSTM on the test reviews; write metrics, the confusion matrix and curves."""
import argparse
import json

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_curve, roc_curve

from stages import metrics, params, plots
from stages.cli import run
from stages.outputs import load_model, load_split, write_json
from stages.sentiment import METRICS_FILE, MODEL, MODEL_STAGE, PLOTS_DIR, SEQUENCES
from stages.sentiment.batches import predict
from stages.sentiment.decision import Decision


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    config = params.load("sentiment.evaluate", Decision)
    x_test, y_test = load_split(SEQUENCES, "test")
    model = load_model(MODEL, MODEL_STAGE)
    probabilities = predict(model, x_test)
    scores = {**metrics.data_source("imdb"), **metrics.binary_classification(y_test, probabilities, config.threshold)}
    write_json(METRICS_FILE, scores)
    print(json.dumps(scores, indent=2))

    predicted = (probabilities >= config.threshold).astype(int)
    # One row per review, as DVC's confusion template wants (1 = positive).
    plots.write_table(
        PLOTS_DIR / "confusion.csv", [{"actual": int(a), "predicted": int(p)} for a, p in zip(y_test, predicted)]
    )
    plots.confusion_heatmap(
        confusion_matrix(y_test, predicted, labels=[0, 1]),
        ["negative", "positive"],
        PLOTS_DIR / "confusion_matrix.png",
        f"LSTM on {len(y_test):,} test reviews, threshold {config.threshold}",
    )
    false_positive_rate, true_positive_rate, _ = roc_curve(y_test, probabilities)
    plots.write_table(
        PLOTS_DIR / "roc.csv", metrics.curve_points(false_positive_rate, true_positive_rate, "fpr", "tpr")
    )
    precision, recall, _ = precision_recall_curve(y_test, probabilities)
    plots.write_table(
        PLOTS_DIR / "precision_recall.csv", metrics.curve_points(recall, precision, "recall", "precision")
    )
    plots.write_table(
        PLOTS_DIR / "threshold_sweep.csv", metrics.threshold_sweep(y_test, probabilities, np.arange(1, 100) / 100)
    )


if __name__ == "__main__":
    run(main)
