"""Command: write the current-results tables of README.md, RESULTS.md and docs/ from metrics/ (--check: only compare).

A table lives between `<!-- table: NAME -->` and `<!-- /table -->` in a Markdown file; NAME is one of
TABLES below. `python -m stages.tables` rewrites every such block from the committed metrics files
(metrics/seeds.json for spreads over seeds; plots/denoiser/robustness.csv for one plot's data);
`--check` changes nothing and fails, naming the file and the table, where a block differs from what
the metrics say. To show a new metric, add a row to a table function below or a new function to
TABLES, then put its markers where it belongs and run the command.
"""
import argparse
import csv
import json
import re
from pathlib import Path

from stages.cli import StageError, run
from stages.outputs import write_text
from stages.report import Results, flatten, markdown_table, summary, to_markdown

DOCUMENTS = ("README.md", "RESULTS.md", "docs")
METRICS = Path("metrics")
ROBUSTNESS = Path("plots/denoiser/robustness.csv")
BLOCK = re.compile(r"(<!-- table: ([\w-]+) -->\n)(.*?)(<!-- /table -->)", re.DOTALL)


def load_metrics(root):
    """{"metrics/autoencoder.json": {...}, ...}: every JSON file under metrics/, as committed, and the
    rows of the committed plot data the tables show ({"plots/denoiser/robustness.csv": [{column: text}]})."""
    results = {
        path.relative_to(root).as_posix(): json.loads(path.read_text(encoding="utf-8"))
        for path in sorted((root / METRICS).rglob("*.json"))
    }
    with open(root / ROBUSTNESS, encoding="utf-8", newline="") as handle:
        results[ROBUSTNESS.as_posix()] = list(csv.DictReader(handle))
    return results


def seed_stats(metrics, key):
    """The {mean, std, min, max, values} of "FILE:KEY" in metrics/seeds.json, or a StageError."""
    try:
        return metrics["metrics/seeds.json"]["metrics"][key]
    except KeyError:
        raise StageError(f"metrics/seeds.json: no {key} (run make seeds)") from None


def mean_std(metrics, key, digits, scale=1.0):
    stats = seed_stats(metrics, key)
    return f"{scale * stats['mean']:.{digits}f} ± {scale * stats['std']:.{digits}f}"


def seed_count(metrics):
    return len(metrics["metrics/seeds.json"]["runs"])


def headlines(metrics):
    """README: each project's headline, mean ± std over the training seeds, against its strongest baseline."""
    autoencoder = " / ".join(
        mean_std(metrics, f"metrics/autoencoder.json:latent_{size}.test_loss", 4) for size in (16, 32, 64)
    )
    pca = " / ".join(
        f"{metrics['metrics/autoencoder_baseline.json'][f'pca_{size}']['test_loss']:.4f}" for size in (16, 32, 64)
    )
    denoiser, filters = metrics["metrics/denoiser.json"], metrics["metrics/denoiser_baseline.json"]
    best = filters["best"]
    text, sentiment = metrics["metrics/text.json"], metrics["metrics/sentiment_baseline.json"]
    rows = [
        ["autoencoder, latent 16 / 32 / 64", f"test BCE {autoencoder}", f"PCA with as many components: {pca}"],
        [
            f"denoiser, latent 32, std-{denoiser['noise_std']:g} noise",
            f"test PSNR {mean_std(metrics, 'metrics/denoiser.json:test_psnr', 2)} dB",
            f"best classical filter ({best.replace('_', ' ')}, {filter_setting(filters[best])}): "
            f"{filters['best_test_psnr']:.2f} dB, "
            f"{mean_std(metrics, 'metrics/denoiser.json:psnr_gain_over_best_filter_db', 2)} dB worse; "
            f"noisy input: {denoiser['noisy_psnr']:.2f} dB",
        ],
        [
            "character LSTM(128)",
            f"test part {mean_std(metrics, 'metrics/text.json:test_loss', 3)} nats/char",
            f"{text['baseline_order']}-gram (D = {text['baseline_discount']:g}, tuned on validation): "
            f"{text['baseline_test_loss']:.3f}, "
            f"{mean_std(metrics, 'metrics/text.json:test_loss_gain_over_baseline', 3)} worse",
        ],
        [
            "IMDB LSTM(128)",
            f"test accuracy {mean_std(metrics, 'metrics/sentiment.json:accuracy', 3)}, "
            f"F1 {mean_std(metrics, 'metrics/sentiment.json:f1', 3)}",
            f"TF-IDF 1-{sentiment['max_ngram']}-grams + logistic regression (C = {sentiment['inverse_regularisation']:g}, "
            f"tuned on validation): {sentiment['accuracy']:.3f}, F1 {sentiment['f1']:.3f}",
        ],
    ]
    return (
        f"Mean ± std over {seed_count(metrics)} training seeds (the baselines do not depend on them).\n\n"
        + markdown_table(["project", "result", "strongest baseline"], rows)
    )


def filter_setting(scores):
    """"size 3" for a classical filter's metrics: its one chosen parameter."""
    name = next(key for key in scores if key not in ("validation_psnr",) and not key.startswith("test_"))
    return f"{name.replace('_', ' ')} {scores[name]:g}"


# Each headline of `make seeds`: its label, the digits to show, and the target the defaults were tuned
# for ("<=" or ">=", value), or None.
SEED_ROWS = (
    ("metrics/autoencoder.json:latent_16.test_loss", "Autoencoder, latent 16: test BCE", 4, None),
    ("metrics/autoencoder.json:latent_32.test_loss", "Autoencoder, latent 32: test BCE", 4, ("<=", 0.090)),
    ("metrics/autoencoder.json:latent_64.test_loss", "Autoencoder, latent 64: test BCE", 4, None),
    ("metrics/denoiser.json:test_psnr", "Denoiser: test PSNR on std-0.5 noisy digits (dB)", 2, None),
    ("metrics/denoiser.json:psnr_gain_over_best_filter_db", "Denoiser: PSNR gain over the best classical filter (dB)",
     2, (">=", 3.0)),
    ("metrics/denoiser.json:psnr_gain_over_noisy_db", "Denoiser: PSNR gain over the noisy input (dB)", 2, None),
    ("metrics/text.json:test_loss", "Text: test-part loss at context 40 (nats/char)", 4, None),
    ("metrics/text.json:test_loss_gain_over_baseline", "Text: lead over the tuned n-gram on the test part (nats/char)",
     4, (">=", 0.085)),
    ("metrics/sentiment.json:accuracy", "IMDB: test accuracy", 4, (">=", 0.88)),
    ("metrics/sentiment.json:f1", "IMDB: test F1", 4, (">=", 0.88)),
)


def met(stats, target):
    """Whether every seed, only the mean, or nothing meets `target`."""
    operator, bound = target
    meets = (lambda value: value <= bound) if operator == "<=" else (lambda value: value >= bound)
    if all(meets(value) for value in stats["values"].values()):
        return "yes, every seed"
    return "by the mean only" if meets(stats["mean"]) else "no"


def seeds(metrics):
    """RESULTS.md: every headline of `make seeds` with its spread, range and target."""
    rows = []
    for key, label, digits, target in SEED_ROWS:
        stats = seed_stats(metrics, key)
        rows.append([
            label,
            mean_std(metrics, key, digits),
            f"{stats['min']:.{digits}f}–{stats['max']:.{digits}f}",
            "" if target is None else f"{target[0]} {target[1]:g}",
            "" if target is None else met(stats, target),
        ])
    header = ["headline", f"mean ± std over {seed_count(metrics)} training seeds", "min–max", "target", "met"]
    return markdown_table(header, rows)


def image_scores(scores, prefix, loss="loss"):
    return [f"{scores[prefix + loss]:.4f}", f"{scores[prefix + 'mse']:.4f}", f"{scores[prefix + 'psnr']:.2f}",
            f"{scores[prefix + 'ssim']:.3f}"]


def autoencoder(metrics):
    """RESULTS.md: the committed autoencoder run and PCA with as many components, one row per latent size, and
    the linear probe of each one's codes."""
    scores, baseline = metrics["metrics/autoencoder.json"], metrics["metrics/autoencoder_baseline.json"]
    sizes = sorted(int(key.removeprefix("latent_")) for key in scores if key.startswith("latent_"))
    rows = []
    for size in sizes:
        model, pca = scores[f"latent_{size}"], baseline[f"pca_{size}"]
        rows.append([f"{size}: autoencoder", *image_scores(model, "test_"), f"{model['probe_accuracy']:.4f}"])
        rows.append([f"{size}: PCA", *image_scores(pca, "test_"), f"{pca['probe_accuracy']:.4f}"])
    rows.append(["784: raw pixels", "", "", "", "", f"{baseline['pixels']['probe_accuracy']:.4f}"])
    header = ["latent size: codes", "test BCE (`test_loss`)", "test MSE", "test PSNR (dB)", "test SSIM",
              f"linear probe accuracy ({baseline['probe_train_samples']:,} training digits)"]
    return markdown_table(header, rows)


def denoiser(metrics):
    """RESULTS.md: the noisy input, each classical filter, the plain autoencoder and the denoiser on the same noisy
    test digits."""
    scores, filters = metrics["metrics/denoiser.json"], metrics["metrics/denoiser_baseline.json"]
    names = [name for name, value in filters.items() if isinstance(value, dict)]
    rows = [["the noisy input itself", "", *image_scores(scores, "noisy_")]]
    for name in sorted(names, key=lambda name: filters[name]["test_psnr"]):
        rows.append([f"filter: {name.replace('_', ' ')}", filter_setting(filters[name]),
                     *image_scores(filters[name], "test_")])
    rows += [
        ["plain autoencoder, latent 32 (trained on clean digits)", "", *image_scores(scores, "plain_autoencoder_")],
        ["denoiser, latent 32", "", *image_scores(scores, "test_")],
    ]
    header = [f"on the std-{scores['noise_std']:g} noisy test digits",
              f"parameter (chosen on {filters['validation_samples']} noisy validation digits)",
              "BCE", "MSE", "PSNR (dB)", "SSIM"]
    return (
        markdown_table(header, rows)
        + f"\nPSNR gain of the denoiser over the best classical filter, {scores['best_filter'].replace('_', ' ')} "
        f"(`psnr_gain_over_best_filter_db`): {scores['psnr_gain_over_best_filter_db']:.2f} dB; over the noisy input "
        f"(`psnr_gain_over_noisy_db`): {scores['psnr_gain_over_noisy_db']:.2f} dB; over the plain autoencoder "
        f"(`psnr_gain_over_plain_autoencoder_db`): {scores['psnr_gain_over_plain_autoencoder_db']:.2f} dB.\n"
    )


def robustness(metrics):
    """RESULTS.md: PSNR of the denoiser, the best classical filter and the plain autoencoder at each test noise
    level (a committed plot's data)."""
    rows = metrics[ROBUSTNESS.as_posix()]
    best = metrics["metrics/denoiser.json"]["best_filter"].replace("_", " ")
    return markdown_table(
        ["test noise std", *(f"{float(row['noise_std']):.1f}" for row in rows)],
        [
            ["denoiser", *(f"{float(row['denoiser_psnr']):.1f}" for row in rows)],
            [f"best classical filter ({best})", *(f"{float(row['best_filter_psnr']):.1f}" for row in rows)],
            ["plain autoencoder", *(f"{float(row['autoencoder_psnr']):.1f}" for row in rows)],
        ],
    )


def text(metrics):
    """RESULTS.md: the character LSTM and the tuned n-gram baseline on the validation and test parts."""
    scores, baseline = metrics["metrics/text.json"], metrics["metrics/text_baseline.json"]
    rows = [
        ["LSTM", f"{scores['val_loss']:.4f}", f"{scores['test_loss']:.4f}", f"{scores['test_bpc']:.3f}",
         f"{scores['test_perplexity']:.2f}"],
        [f"{baseline['order']}-gram, discount {baseline['discount']:g}", f"{baseline['val_loss']:.4f}",
         f"{baseline['test_loss']:.4f}", f"{baseline['test_bpc']:.3f}", f"{baseline['test_perplexity']:.2f}"],
    ]
    header = [f"model, context {scores['context_len']}",
              f"validation part ({scores['validation_chars']:,} chars, nats/char)",
              f"test part ({scores['test_chars']:,} chars, nats/char)", "test bits/char", "test perplexity"]
    return (
        markdown_table(header, rows)
        + f"\nOn the test part the LSTM is {scores['test_loss_gain_over_baseline']:.4f} nats/char better than the "
        "n-gram (`test_loss_gain_over_baseline`).\n"
    )


def text_samples(metrics):
    """RESULTS.md: word-level measures of the committed samples, one row per temperature."""
    samples = sorted(
        (scores for path, scores in metrics.items() if path.startswith("metrics/text_samples/")),
        key=lambda scores: scores["temperature"],
    )
    rows = [
        [f"{s['temperature']:g}", f"{s['distinct_2']:.2f}", f"{s['distinct_3']:.2f}", f"{s['repetition_rate_4']:.2f}",
         f"{s['known_word_share']:.2f}", f"{s['sample_log_likelihood']:.2f}"]
        for s in samples
    ]
    header = ["temperature", "distinct-2", "distinct-3", "repeated 4-grams", "known words", "log-likelihood (nats/char)"]
    return markdown_table(header, rows)


def sentiment(metrics):
    """RESULTS.md: the sentiment LSTM and the tuned TF-IDF baseline on the test reviews."""
    scores, baseline = metrics["metrics/sentiment.json"], metrics["metrics/sentiment_baseline.json"]
    names = ("accuracy", "precision", "recall", "f1", "roc_auc")
    rows = [
        ["LSTM: Embedding -> LSTM(128) -> Dense(1)", *(f"{scores[name]:.4f}" for name in names)],
        [f"baseline: TF-IDF (word 1-{baseline['max_ngram']}-grams) + logistic regression "
         f"(C = {baseline['inverse_regularisation']:g})", *(f"{baseline[name]:.4f}" for name in names)],
    ]
    return markdown_table([f"model, {scores['test_samples']:,} test reviews", "accuracy", "precision", "recall", "F1",
                     "ROC AUC"], rows)


def report_summary(metrics):
    """docs/report.md: the summary table and sentences `make report` opens with, for these metrics."""
    files = {path: flatten(data) for path, data in metrics.items() if path.startswith(f"{METRICS}/")}
    results = Results(["workspace"], {"workspace": files}, {})
    return to_markdown(summary(results)[1:])


TABLES = {
    "headlines": headlines,
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
