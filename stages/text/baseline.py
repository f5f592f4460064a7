"""Stage: the character n-gram baseline, its order and discount chosen on the validation part, scored on the test part (metrics/text_baseline.json)."""
import argparse
import json
from typing import Annotated

from pydantic import Field

from stages import metrics, params, plots
from stages.cli import StageError, run
from stages.outputs import load_arrays, write_json
from stages.text import BASELINE_METRICS, IDS, PLOTS_DIR, VOCABULARY
from stages.text.corpus import Evaluation, held_out, load_vocabulary
from stages.text.ngram import tune


class Baseline(params.Section):
    """params.yaml `text.baseline`: the grid the validation part chooses from."""

    orders: Annotated[list[params.PositiveInt], Field(min_length=1), params.Distinct]
    discounts: Annotated[list[params.Fraction], Field(min_length=1), params.Distinct]


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    config = params.load("text.baseline", Baseline)
    context_len = params.load("text.evaluate", Evaluation).context_len
    vocabulary = load_vocabulary(VOCABULARY)["chars"]
    parts = load_arrays(IDS)
    if len(parts["train"]) < context_len:
        raise StageError(f"params.yaml: text.evaluate.context_len {context_len} is longer than the training text")
    try:
        model, grid = tune(parts["train"], parts["validation"], len(vocabulary), config.orders, config.discounts, context_len)
    except ValueError as error:
        raise StageError(f"params.yaml: text.baseline.orders: {error}") from None
    for row in grid:
        print(f"order {row['order']}, discount {row['discount']}: validation {row['val_loss']:.4f} nats/char")
    text, start = held_out(parts, "test")
    print(f"chosen on validation: order {model.order}, discount {model.discount}")
    scores = {
        **metrics.data_source("text"),
        "val_loss": min(row["val_loss"] for row in grid),
        "test_loss": model.mean_nll(text, start, context_len),
    }
    write_json(BASELINE_METRICS, scores)
    plots.write_table(PLOTS_DIR / "baseline_grid.csv", grid)
    print(json.dumps(scores, indent=2))


if __name__ == "__main__":
    run(main)
