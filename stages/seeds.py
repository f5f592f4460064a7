"""Command: mean, standard deviation, min and max of every headline (stages.headlines) over the seed experiments of
`make seeds`.

The runs are the baseline commit (HEAD, or --rev: the commit the seeds were queued from, which runs
the default seeds) and every DVC experiment on it whose name starts with `seed-`; each headline counts
the experiments that changed its own training seed (`make seeds SEED_PROJECTS=sentiment` runs the IMDB
model's alone). The summary goes to metrics/seeds.json and a Markdown table to stdout.
"""
import argparse
import statistics

import dvc.api

from stages.cli import StageError, run
from stages.headlines import headlines, is_number
from stages.outputs import write_json
from stages.report import SEEDS, markdown_table


def runs_of_head(rows):
    """[(run name, row)] for the baseline commit and its finished `seed-*` experiments, from the rows of
    dvc.api.exp_show (flat: "FILE:KEY" metrics, dotted params)."""
    head = next((row for row in rows if row["typ"] == "baseline" and row["rev"] != "workspace"), None)
    if head is None:
        raise StageError("dvc exp show: no baseline commit (commit the pipeline's results first)")
    # A queued or running experiment shows the baseline's metrics, or a mix: only finished ones count.
    seeds = [row for row in rows if row["typ"] != "baseline" and (row["Experiment"] or "").startswith("seed-")
             and row["State"] == "Success"]
    return [(head["rev"], head)] + [(row["Experiment"], row) for row in sorted(seeds, key=lambda row: row["Experiment"])]


def summarise(runs):
    """metrics/seeds.json's content, {"runs": names, "metrics": {headline metric: mean, std, min, max and the values
    by run}}, and its Markdown table: each headline over the baseline run and the experiments whose training
    seed for it (`headline.seed`) differs from the baseline's."""
    head, baseline = runs[0]
    metrics = {}
    for key, value in baseline.items():
        if ":" in key:
            path, name = key.split(":", 1)
            metrics.setdefault(path, {})[name] = value
    summary, rows = {"runs": [name for name, _ in runs], "metrics": {}}, []
    for headline in headlines(metrics):
        values = {name: row.get(headline.metric) for name, row in runs
                  if name == head or row.get(headline.seed) != baseline.get(headline.seed)}
        if len(values) < 2:
            continue
        missing = [name for name, number in values.items() if not is_number(number)]
        if missing:
            raise StageError(f"{headline.metric}: no number in runs {missing}")
        numbers = list(values.values())
        stats = {"mean": statistics.fmean(numbers), "std": statistics.stdev(numbers),
                 "min": min(numbers), "max": max(numbers), "values": values}
        summary["metrics"][headline.metric] = stats
        rows.append([headline.label, *(f"{stats[name]:.4f}" for name in ("mean", "std", "min", "max")),
                     ", ".join(values)])
    if not rows:
        raise StageError("no `seed-*` experiment changes a training seed: run `make seeds` first")
    return summary, markdown_table(["headline", "mean", "std", "min", "max", "runs"], rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rev", default="HEAD", help="the baseline commit of the seed experiments (default HEAD)")
    summary, table = summarise(runs_of_head(dvc.api.exp_show(revs=parser.parse_args().rev)))
    print(table, end="")
    write_json(SEEDS, summary)


if __name__ == "__main__":
    run(main)
