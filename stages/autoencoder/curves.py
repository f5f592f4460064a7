"""Stage: the DVCLive training curves of every size in autoencoder.latent_sizes in one table, a row per latent size
and epoch, so that the training-curve plots of dvc.yaml draw whatever sizes params.yaml lists, naming none."""
import argparse
import csv
from typing import Annotated

from pydantic import ConfigDict, Field

from stages import params, plots
from stages.autoencoder import TRAINING_CURVES, training_log
from stages.cli import StageError, run

SPLITS = ("train", "eval")


class LatentSizes(params.Section):
    """The key of params.yaml `autoencoder` this stage reads; the others are the trainers' and evaluator's."""

    model_config = ConfigDict(extra="ignore", strict=True, frozen=True)
    latent_sizes: Annotated[list[params.PositiveInt], Field(min_length=1), params.Distinct]


def loss_per_epoch(latent_size, split):
    """{epoch (from 0): loss} of one split, from the DVCLive log of train_autoencoder@latent_size."""
    path = training_log(latent_size) / "plots/metrics" / split / "loss.tsv"
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            return {int(row["step"]): float(row["loss"]) for row in csv.DictReader(handle, delimiter="\t")}
    except FileNotFoundError:
        raise StageError(f"{path}: missing (run: dvc repro train_autoencoder@{latent_size})") from None


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    latent_sizes = sorted(params.load("autoencoder", LatentSizes).latent_sizes)
    rows = []
    for size in latent_sizes:
        train, validation = (loss_per_epoch(size, split) for split in SPLITS)
        rows += [{"latent_size": size, "step": step, "train_loss": loss, "eval_loss": validation[step]}
                 for step, loss in train.items()]
    plots.write_table(TRAINING_CURVES, rows)
    print(f"{TRAINING_CURVES}: {len(rows)} epochs of latent sizes {latent_sizes}")


if __name__ == "__main__":
    run(main)
