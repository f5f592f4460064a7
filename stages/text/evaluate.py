"""Stage: the LSTM's loss on the validation and test parts, against the n-gram baseline's test loss (metrics/text.json)."""
import argparse
import json

from stages import metrics, params, plots
from stages.cli import StageError, run
from stages.outputs import load_arrays, load_model, write_json
from stages.text import BASELINE_METRICS, IDS, METRICS_FILE, MODEL, MODEL_STAGE, PLOTS_DIR
from stages.text.corpus import Evaluation, context_windows, held_out


def part_loss(model, parts, part, context_len):
    """Mean NLL (nats/char) of the part's characters, each given the context_len characters before it."""
    contexts, targets = context_windows(*held_out(parts, part), context_len)
    probabilities = model.predict(contexts, batch_size=512, verbose=0)
    if probabilities.ndim == 3:  # every-position model: the prediction after the whole context
        probabilities = probabilities[:, -1]
    return metrics.mean_negative_log_likelihood(probabilities, targets), len(targets)


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    config = params.load("text.evaluate", Evaluation)
    parts = load_arrays(IDS)
    if len(parts["train"]) < config.context_len:
        raise StageError(f"params.yaml: text.evaluate.context_len {config.context_len} is longer than the training text")
    baseline = metrics.baseline_scores(
        BASELINE_METRICS, "baseline_text", context_len=config.context_len, test_chars=len(parts["test"])
    )
    model = load_model(MODEL, MODEL_STAGE)
    val_loss, validation_chars = part_loss(model, parts, "validation", config.context_len)
    test_loss, test_chars = part_loss(model, parts, "test", config.context_len)
    scores = {
        **metrics.data_source("text"),
        "context_len": config.context_len,
        "validation_chars": validation_chars,
        "test_chars": test_chars,
        **metrics.language_model_metrics(val_loss, "val"),
        **metrics.language_model_metrics(test_loss, "test"),
        "baseline_order": baseline["order"],
        "baseline_discount": baseline["discount"],
        "baseline_test_loss": baseline["test_loss"],
        "test_loss_gain_over_baseline": baseline["test_loss"] - test_loss,
    }
    write_json(METRICS_FILE, scores)
    print(json.dumps(scores, indent=2))
    if test_loss >= baseline["test_loss"]:
        print(f"WARNING: the LSTM ({test_loss:.4f} nats/char) does not beat the n-gram baseline ({baseline['test_loss']:.4f})")
    plots.write_table(
        PLOTS_DIR / "test_loss.csv",
        [
            {"model": "LSTM", "test_loss": test_loss, "test_bpc": scores["test_bpc"]},
            {"model": f"{baseline['order']}-gram", "test_loss": baseline["test_loss"], "test_bpc": baseline["test_bpc"]},
        ],
    )


if __name__ == "__main__":
    run(main)
