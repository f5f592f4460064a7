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
    baseline = metrics.read_scores(BASELINE_METRICS, "baseline_text")
    model = load_model(MODEL, MODEL_STAGE)
    val_loss, validation_chars = part_loss(model, parts, "validation", config.context_len)
    test_loss, test_chars = part_loss(model, parts, "test", config.context_len)
    print(f"{validation_chars} validation and {test_chars} test characters, each after {config.context_len} of context")
    scores = {**metrics.data_source("text"), "val_loss": val_loss, "test_loss": test_loss}
    write_json(METRICS_FILE, scores)
    print(json.dumps(scores, indent=2))
    if test_loss >= baseline["test_loss"]:
        print(f"WARNING: the LSTM ({test_loss:.4f} nats/char) does not beat the n-gram baseline ({baseline['test_loss']:.4f})")
    plots.write_table(
        PLOTS_DIR / "test_loss.csv",
        [
            {"model": "LSTM", "test_loss": test_loss},
            {"model": "n-gram (tuned)", "test_loss": baseline["test_loss"]},
        ],
    )


if __name__ == "__main__":
    run(main)
