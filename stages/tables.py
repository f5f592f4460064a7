"""Command: write the current-results tables of README.md, RESULTS.md and docs/ from metrics/ (--check: only compare).

A table lives between `<!-- table: NAME -->` and `<!-- /table -->` in a Markdown file; NAME is one of
TABLES below. `python -m stages.tables` rewrites every such block from the committed metrics files
(metrics/seeds.json for spreads over seeds; plots/denoiser/robustness.csv for one plot's data);
`--check` changes nothing and fails, naming the file and the table, where a block differs from what
the metrics say. To show a new metric, add a row to a table function below or a new function to
TABLES, then put its markers where it belongs and run the command.
"""
import argparse
import json
import math
import re
from pathlib import Path

from stages.cli import StageError, run
from stages.headlines import AUTOENCODER, SENTIMENT, TEXT, TUNING, baseline_name, headlines, lookup, plot_data, spread
from stages.outputs import write_text
from stages.report import SEEDS, Results, markdown_table, summary, to_markdown

DOCUMENTS = ("README.md", "RESULTS.md", "docs")
METRICS = Path("metrics")
# The committed plot data the tables show besides metrics/ (and the baselines' tuning, stages.headlines.TUNING).
PLOT_DATA = ("plots/autoencoder/latent_comparison.csv", "plots/denoiser/inputs.csv", "plots/denoiser/robustness.csv",
             "plots/text/temperature_metrics.csv")
BLOCK = re.compile(r"(<!-- table: ([\w-]+) -->\n)(.*?)(<!-- /table -->)", re.DOTALL)


def load_metrics(root):
    """{"metrics/denoiser.json": {...}, ...}: every JSON file under metrics/, as committed, and the rows of the
    committed plot data the tables show ({"plots/denoiser/robustness.csv": [{column: text}]})."""
    results = {
        path.relative_to(root).as_posix(): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((root / METRICS).rglob("*.json"))
    }
    return results | plot_data((*PLOT_DATA, *TUNING), root)


def measured(metrics, headline):
    """The headline's value, its baseline's, and its seed statistics (None where the seeds of metrics/seeds.json
    were not run with this value's data and params)."""
    value = headline.value(metrics)
    return value, lookup(metrics, headline.baseline), spread(headline, value, metrics.get(str(SEEDS)))


def mean_std(headline, value, stats):
    if stats is None:
        return f"{headline.show(value)} (seed 42 only: no seed runs of this value)"
    return headline.show_spread(stats)


def headline_rows(metrics):
    """README: each headline, mean ± std over the training seeds, its baseline, and who is ahead."""
    rows = []
    for headline in headlines(metrics):
        value, baseline, stats = measured(metrics, headline)
        name = baseline_name(headline, metrics)
        lead = headline.lead(value if stats is None else stats["mean"], baseline)
        rows.append([
            headline.label, mean_std(headline, value, stats), f"{name}: {headline.show(baseline)}",
            headline.lead_words(lead, name, None if stats is None else stats["std"]),
        ])
    return (
        f"Mean ± std over {len(metrics[str(SEEDS)]['runs'])} training seeds (the baselines do not depend on them).\n\n"
        + markdown_table(["headline", "result", "strongest baseline", "who is ahead (mean ± std)"], rows)
    )


def met(headline, stats, baseline):
    """Whether every seed, only the mean, or nothing meets the headline's targets."""
    if all(headline.meets(value, baseline) for value in stats["values"].values()):
        return "yes, every seed"
    return "by the mean only" if headline.meets(stats["mean"], baseline) else "no"


def target(headline):
    bound = "≥" if headline.higher_is_better else "≤"
    parts = [] if headline.target is None else [f"{bound} {headline.target:g}"]
    parts += [] if headline.lead_target is None else [f"{headline.lead_target:g} {headline.unit} ahead"]
    return ", ".join(parts)


def seeds(metrics):
    """RESULTS.md: every headline of `make seeds` with its spread, range and target."""
    rows = []
    for headline in headlines(metrics):
        value, baseline, stats = measured(metrics, headline)
        if stats is None:
            meets = "at seed 42" if headline.meets(value, baseline) else "not at seed 42"
        else:
            meets = met(headline, stats, baseline)
        rows.append([headline.label, mean_std(headline, value, stats), "" if stats is None else headline.show_range(stats),
                     target(headline), meets if target(headline) else ""])
    header = ["headline", f"mean ± std over {len(metrics[str(SEEDS)]['runs'])} training seeds", "min–max", "target", "met"]
    return markdown_table(header, rows)


def image_scores(scores):
    return [f"{float(scores['test_loss']):.4f}", f"{float(scores['test_psnr']):.2f}", f"{float(scores['test_ssim']):.3f}"]


def autoencoder(metrics):
    """RESULTS.md: the committed autoencoder run and PCA with as many components, one row per latent size, and
    the linear probe of each one's codes."""
    rows = []
    for headline in headlines(metrics):
        if headline.project == "MNIST autoencoder":
            model, pca = (reference.split(":")[0] for reference in (headline.metric, headline.baseline))
            for codes, scores in (("autoencoder", metrics[model]), ("PCA", metrics[pca])):
                rows.append([f"latent {AUTOENCODER.match(model)[1]}: {codes}", *image_scores(scores),
                             f"{scores['probe_accuracy']:.4f}"])
    rows.append(["784: raw pixels", "", "", "", f"{metrics['metrics/autoencoder_baseline/pixels.json']['probe_accuracy']:.4f}"])
    header = ["latent size: codes", "test BCE (`test_loss`)", "test PSNR (dB)", "test SSIM", "linear probe accuracy"]
    return markdown_table(header, rows)


def denoiser(metrics):
    """RESULTS.md: the noisy input, each classical filter, the plain autoencoder and the denoiser on the same noisy
    test digits."""
    inputs = {row["input"]: row for row in metrics["plots/denoiser/inputs.csv"]}
    filters = sorted(metrics[TUNING[0]], key=lambda row: float(row["test_psnr"]))
    rows = [["the noisy input itself", "", "", *image_scores(inputs["noisy input"])]]
    rows += [[f"filter: {row['filter']}", row["parameter"], f"{float(row['validation_psnr']):.2f}", *image_scores(row)]
             for row in filters]
    rows += [[name, "", "", *image_scores(row)] for name, row in inputs.items()
             if name.startswith("plain autoencoder") or name == "denoiser"]
    header = ["on the noisy test digits", "parameter", "validation PSNR (dB; chooses the parameter and the best filter)",
              "BCE", "PSNR (dB)", "SSIM"]
    return markdown_table(header, rows)


def robustness(metrics):
    """RESULTS.md: PSNR of the denoiser, the best classical filter and the plain autoencoder at each test noise
    level (a committed plot's data)."""
    rows = metrics["plots/denoiser/robustness.csv"]
    return markdown_table(
        ["test noise std", *(f"{float(row['noise_std']):.1f}" for row in rows)],
        [
            ["denoiser", *(f"{float(row['denoiser_psnr']):.1f}" for row in rows)],
            ["best classical filter", *(f"{float(row['best_filter_psnr']):.1f}" for row in rows)],
            ["plain autoencoder", *(f"{float(row['autoencoder_psnr']):.1f}" for row in rows)],
        ],
    )


def text(metrics):
    """RESULTS.md: the character LSTM and the tuned n-gram baseline on the validation and test parts."""
    scores, baseline = metrics["metrics/text.json"], metrics["metrics/text_baseline.json"]
    rows = [
        [name, f"{row['val_loss']:.4f}", f"{row['test_loss']:.4f}", f"{row['test_loss'] / math.log(2):.3f}",
         f"{math.exp(row['test_loss']):.2f}"]
        for name, row in (("LSTM", scores), (baseline_name(TEXT, metrics), baseline))
    ]
    header = ["model", "validation part (nats/char)", "test part (nats/char)", "test bits/char", "test perplexity"]
    return markdown_table(header, rows)


def text_samples(metrics):
    """RESULTS.md: word-level measures of the committed samples, one row per temperature."""
    rows = [
        [f"{float(s['temperature']):g}", *(f"{float(s[key]):.2f}" for key in
                                           ("distinct_2", "distinct_3", "repetition_rate_4", "known_word_share", "sample_log_likelihood"))]
        for s in metrics["plots/text/temperature_metrics.csv"]
    ]
    header = ["temperature", "distinct-2", "distinct-3", "repeated 4-grams", "known words", "log-likelihood (nats/char)"]
    return markdown_table(header, rows)


def sentiment(metrics):
    """RESULTS.md: the sentiment LSTM and the tuned TF-IDF baseline on the test reviews."""
    scores, baseline = metrics["metrics/sentiment.json"], metrics["metrics/sentiment_baseline.json"]
    names = ("accuracy", "precision", "recall", "f1", "roc_auc")
    rows = [
        ["LSTM: Embedding -> LSTM(128) -> Dense(1)", *(f"{scores[name]:.4f}" for name in names)],
        [baseline_name(SENTIMENT[0], metrics), *(f"{baseline[name]:.4f}" for name in names)],
    ]
    return markdown_table(["model (test reviews)", "accuracy", "precision", "recall", "F1", "ROC AUC"], rows)


def report_summary(metrics):
    """docs/report.md: the summary table `make report` opens with, for these metrics."""
    files = {path: data for path, data in metrics.items() if path.startswith(f"{METRICS}/")}
    results = Results(["workspace"], {"workspace": files}, {})
    return to_markdown(summary(results, metrics)[1:])


TABLES = {
    "headlines": headline_rows,
    "seeds": seeds,
    "autoencoder": autoencoder,
    "denoiser": denoiser,
    "robustness": robustness,
    "text": text,
    "text-samples": text_samples,
    "sentiment": sentiment,
    "report-summary": report_summary,
}


def documents(root):
    for name in DOCUMENTS:
        path = root / name
        yield from sorted(path.rglob("*.md")) if path.is_dir() else [path]


def refresh(path, metrics):
    """The text of `path` with every table block written from `metrics`, and the names of its blocks."""
    names = []

    def replace(match):
        opening, name, _, closing = match.groups()
        if name not in TABLES:
            raise StageError(f"{path}: unknown table '{name}' (expected one of: {', '.join(TABLES)})")
        names.append(name)
        return opening + "\n" + TABLES[name](metrics) + "\n" + closing

    return BLOCK.sub(replace, path.read_text(encoding="utf-8")), names


def stale_tables(root=Path(".")):
    """[(file, table name)] of every block that differs from what the metrics say."""
    metrics = load_metrics(root)
    stale = []
    for path in documents(root):
        text = path.read_text(encoding="utf-8")
        refreshed, names = refresh(path, metrics)
        for old, new, name in zip(BLOCK.finditer(text), BLOCK.finditer(refreshed), names):
            if old.group(3) != new.group(3):
                stale.append((path.relative_to(root).as_posix(), name))
    return stale


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; fail if a table disagrees with metrics/")
    if parser.parse_args().check:
        stale = stale_tables()
        if stale:
            where = ", ".join(f"{path} ({name})" for path, name in stale)
            raise StageError(f"tables out of date with metrics/: {where} (run: python -m stages.tables)")
        print("every table agrees with metrics/")
        return
    metrics = load_metrics(Path("."))
    for path in documents(Path(".")):
        refreshed, names = refresh(path, metrics)
        if names and refreshed != path.read_text(encoding="utf-8"):
            write_text(path, refreshed)
            print(f"{path}: {', '.join(names)}")


if __name__ == "__main__":
    run(main)
