"""Command: mean, standard deviation, min and max of every headline (stages.headlines) over the seed experiments of
`make seeds`.

The runs are the baseline commit (HEAD, or --rev: the commit the seeds were queued from, which runs
the default seeds) and every DVC experiment on it whose name starts with `seed-`; the summary goes to
metrics/seeds.json and a Markdown table to stdout.
"""
import argparse
import json
import statistics
import subprocess
import sys

from stages.cli import StageError, run
from stages.headlines import headlines
from stages.outputs import write_json
from stages.paths import METRICS
from stages.report import markdown_table

SUMMARY = METRICS / "seeds.json"


def runs_of_head(shown):
    """{run name: {metrics file: data}} for HEAD and its `seed-*` experiments, from `dvc exp show --json`."""
    head = next((entry for entry in shown if entry.get("rev") != "workspace"), None)
    if head is None:
        raise StageError("dvc exp show: no baseline commit (commit the pipeline's results first)")
    found = {head.get("name") or head["rev"][:7]: head["data"]}
    for experiment in head.get("experiments") or []:
        name = experiment.get("name") or ""
        # A queued or running experiment shows the baseline's metrics, or a mix: only finished ones count.
        if (experiment.get("executor") or {}).get("state", "success") != "success":
            continue
        for revision in experiment.get("revs") or []:
            if name.startswith("seed-") and revision.get("data") and not revision.get("error"):
                found[name] = revision["data"]
    return {name: {path: entry.get("data", {}) for path, entry in (data.get("metrics") or {}).items()}
            for name, data in found.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rev", default="HEAD", help="the baseline commit of the seed experiments (default HEAD)")
    arguments = parser.parse_args()
    shown = subprocess.run(
        [sys.executable, "-m", "dvc", "exp", "show", "--json", "--rev", arguments.rev], capture_output=True, text=True
    )
    if shown.returncode != 0:
        raise StageError(f"dvc exp show failed: {shown.stderr.strip()}")
    runs = runs_of_head(json.loads(shown.stdout))
    if len(runs) < 2:
        raise StageError(f"no `seed-*` experiments on {arguments.rev}: run `make seeds` first")
    summary, rows = {"runs": list(runs), "metrics": {}}, []
    for headline in headlines(next(iter(runs.values()))):
        values = {name: headline.value(metrics) for name, metrics in runs.items()}
        missing = [name for name, number in values.items() if number is None]
        if missing:
            raise StageError(f"{headline.metric}: no number in runs {missing}")
        numbers = list(values.values())
        stats = {"mean": statistics.fmean(numbers), "std": statistics.stdev(numbers),
                 "min": min(numbers), "max": max(numbers), "values": values}
        summary["metrics"][headline.metric] = stats
        rows.append([headline.label, *(f"{stats[name]:.4f}" for name in ("mean", "std", "min", "max"))])
    print(markdown_table([f"headline ({len(runs)} seeds: {', '.join(runs)})", "mean", "std", "min", "max"], rows), end="")
    write_json(SUMMARY, summary)


if __name__ == "__main__":
    run(main)
