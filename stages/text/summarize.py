"""Stage: one table, one figure and one readable page over the samples of every temperature in params.yaml."""
import argparse
import json

from stages import params, plots
from stages.cli import StageError, run
from stages.outputs import write_text
from stages.text import PLOTS_DIR, SAMPLES
from stages.text.sampling import RATIOS, Generation


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    config = params.load("text.generate", Generation)
    found = {}
    for path in sorted(SAMPLES.glob("temperature_*.json")):
        scores = json.loads(path.read_text(encoding="utf-8"))
        found[scores["temperature"]] = (scores, SAMPLES / f"{path.stem}.txt")
    missing = [t for t in config.temperatures if t not in found]
    if missing:
        raise StageError(f"{SAMPLES}: no sample for temperatures {missing} (run dvc repro)")
    rows = [{"temperature": t, **{key: found[t][0][key] for key in [*RATIOS, "sample_log_likelihood"]}}
            for t in sorted(config.temperatures)]
    plots.write_table(PLOTS_DIR / "temperature_metrics.csv", rows)
    plots.line_panels(
        rows, "temperature",
        {"sample diversity and word validity": RATIOS, "model log-likelihood of its own sample (nats/char)":
         ["sample_log_likelihood"]},
        PLOTS_DIR / "temperature_metrics.png",
    )
    page = ["# Samples by temperature", "", "Each sample starts with the seed text (`text.generate.seed_text`).", ""]
    for row in rows:
        sample = found[row["temperature"]][1].read_text(encoding="utf-8").rstrip("\n")
        figures = ", ".join(f"{key} {row[key]:.3f}" for key in [*RATIOS, "sample_log_likelihood"])
        page += [f"## Temperature {row['temperature']}", "", figures, "", "```text", sample, "```", ""]
    write_text(PLOTS_DIR / "samples.md", "\n".join(page))


if __name__ == "__main__":
    run(main)
