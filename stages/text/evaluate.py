"""Stage: held-out loss of the LSTM against the n-gram baseline, one definition for both (metrics/text.json)."""
import argparse
import json

import numpy as np

from stages import metrics, params, plots
from stages.cli import StageError, run
from stages.outputs import load_arrays, load_model, write_json
from stages.text import IDS, METRICS_FILE, MODEL, MODEL_STAGE, PLOTS_DIR, VOCABULARY
from stages.text.corpus import context_windows, load_vocabulary
from stages.text.ngram import NgramModel


class Evaluation(params.Section):
    """params.yaml `text.evaluate`: the held-out loss definition and the n-gram baseline."""

    context_len: params.PositiveInt  # each held-out character is predicted from this many preceding ones
    baseline_order: params.PositiveInt


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    config = params.load("text.evaluate", Evaluation)
    vocabulary = load_vocabulary(VOCABULARY)["chars"]
    ids = load_arrays(IDS)
    model = load_model(MODEL, MODEL_STAGE)
    everything, start = np.concatenate([ids["train"], ids["validation"]]), len(ids["train"])
    if start < config.context_len:
        raise StageError(f"params.yaml: text.evaluate.context_len {config.context_len} is longer than the training text")
    # One definition for both models: each held-out character given the context_len characters before it.
    contexts, targets = context_windows(everything, start, config.context_len)
    probabilities = model.predict(contexts, batch_size=512, verbose=0)
    if probabilities.ndim == 3:  # every-position model: the prediction after the whole context
        probabilities = probabilities[:, -1]
    model_loss = metrics.mean_negative_log_likelihood(probabilities, targets)
    baseline = NgramModel(ids["train"], config.baseline_order, len(vocabulary))
    baseline_loss = baseline.mean_nll(everything, start, config.context_len)
    scores = {
        **metrics.data_source("text"),
        "validation_chars": len(targets),
        "context_len": config.context_len,
        **metrics.language_model_metrics(model_loss, "val"),
        "baseline_order": config.baseline_order,
        **metrics.language_model_metrics(baseline_loss, "baseline_val"),
        "val_loss_gain_over_baseline": baseline_loss - model_loss,
    }
    write_json(METRICS_FILE, scores)
    print(json.dumps(scores, indent=2))
    if model_loss >= baseline_loss:
        print(f"WARNING: the LSTM ({model_loss:.4f} nats/char) does not beat the n-gram baseline ({baseline_loss:.4f})")
    plots.write_table(
        PLOTS_DIR / "val_loss.csv",
        [
            {"model": "LSTM", "val_loss": model_loss, "val_bpc": scores["val_bpc"]},
            {"model": f"{config.baseline_order}-gram", "val_loss": baseline_loss, "val_bpc": scores["baseline_val_bpc"]},
        ],
    )


if __name__ == "__main__":
    run(main)
