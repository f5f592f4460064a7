"""The headline figures of the four projects, defined once: where each is in the declared metrics, its
baseline's same figure, how it is shown, and the target the defaults were tuned for. The README and
RESULTS.md tables (stages.tables), the report's summary (stages.report) and the seed summary (`make seeds`,
stages.seeds) all read them from here."""
import csv
import re
from dataclasses import dataclass
from pathlib import Path

AUTOENCODER = re.compile(r"^metrics/autoencoder/latent_(\d+)\.json$")


@dataclass(frozen=True)
class Headline:
    project: str
    seed: str  # the params.yaml key of the training seed the figure depends on
    label: str
    metric: str  # FILE:KEY in the declared metrics
    baseline: str  # FILE:KEY of the baseline's same figure
    model: str  # who the figure belongs to, as a sentence names it
    unit: str
    digits: int
    higher_is_better: bool
    target: float | None = None  # the value the defaults were tuned to reach (at least, or at most for a loss)
    lead_target: float | None = None  # the lead over the baseline they were tuned to reach
    scale: float = 1.0  # from the metric to its unit: 100 for points of accuracy

    def value(self, metrics):
        """The figure in `metrics` ({file: {key: value}}), or None where that run does not have it."""
        return lookup(metrics, self.metric)

    def lead(self, value, baseline):
        """How far `value` is ahead of `baseline`, in the headline's unit (negative: behind it)."""
        return self.scale * (value - baseline if self.higher_is_better else baseline - value)

    def show(self, value):
        """The metric's value at its digits: a scaled unit (points of accuracy) shows two more."""
        return f"{value:.{self.digits if self.scale == 1 else self.digits + 2}f}"

    def show_spread(self, stats):
        """"mean ± std" of seed statistics (spread())."""
        return f"{self.show(stats['mean'])} ± {self.show(stats['std'])}"

    def show_range(self, stats):
        return f"{self.show(stats['min'])}–{self.show(stats['max'])}"

    def lead_words(self, lead, baseline_name, spread=None):
        """"the denoiser is 3.31 dB ahead of the median filter", with ± spread when given; the baseline's name
        without its setting in parentheses."""
        amount = f"{abs(lead):.{self.digits}f}" + ("" if spread is None else f" ± {self.scale * spread:.{self.digits}f}")
        return f"{self.model} is {amount} {self.unit} {'ahead of' if lead >= 0 else 'behind'} {baseline_name.split(' (')[0]}"

    def meets(self, value, baseline):
        """Whether `value` meets the target and the lead target (True where there is none)."""
        if self.target is not None and not (value >= self.target if self.higher_is_better else value <= self.target):
            return False
        return self.lead_target is None or self.lead(value, baseline) >= self.lead_target


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def lookup(metrics, reference):
    """The number at FILE:KEY in `metrics` ({file: {key: value}}), or None."""
    path, key = reference.split(":", 1)
    value = metrics.get(path, {}).get(key)
    return value if is_number(value) else None


def autoencoder(size):
    return Headline(
        "MNIST autoencoder", "autoencoder.train.seed", f"autoencoder, latent {size}: test BCE",
        f"metrics/autoencoder/latent_{size}.json:test_loss", f"metrics/autoencoder_baseline/pca_{size}.json:test_loss",
        "the autoencoder", "BCE", 4, False, target=0.090 if size == 32 else None,
    )


DENOISER = Headline(
    "Denoising autoencoder", "denoiser.train.seed", "denoiser: test PSNR (dB)",
    "metrics/denoiser.json:test_psnr", "metrics/denoiser_baseline.json:test_psnr", "the denoiser", "dB", 2, True,
    lead_target=3.0,
)
TEXT = Headline(
    "Text generation", "text.train.seed", "character LSTM: test-part loss (nats/char)",
    "metrics/text.json:test_loss", "metrics/text_baseline.json:test_loss", "the LSTM", "nats/char", 4, False,
    lead_target=0.085,
)
SENTIMENT = tuple(
    Headline(
        "IMDB sentiment", "sentiment.train.seed", f"IMDB LSTM: test {name}", f"metrics/sentiment.json:{key}",
        f"metrics/sentiment_baseline.json:{key}", "the LSTM", "points", 2, True, target=0.88,
        scale=100.0,
    )
    for name, key in (("accuracy", "accuracy"), ("F1", "f1"))
)


def headlines(metrics):
    """Every headline that `metrics` ({file: {key: value}}) has, in pipeline order: one per latent size."""
    sizes = sorted(int(match[1]) for path in metrics if (match := AUTOENCODER.match(path)))
    return [headline for headline in [*map(autoencoder, sizes), DENOISER, TEXT, *SENTIMENT] if headline.value(metrics) is not None]


def spread(headline, value, summary):
    """The seed statistics of `headline` from metrics/seeds.json's `summary`, or None unless they belong to this
    value: the seeds were queued from a run that measured exactly it (same data, params and code)."""
    stats = (summary or {}).get("metrics", {}).get(headline.metric)
    if not stats or value is None or stats["values"].get(summary["runs"][0]) != value:
        return None
    return stats


# The report's sections: each project's metrics and plot files are those at or under these paths.
PROJECT_PATHS = {
    "MNIST autoencoder": ("metrics/autoencoder", "metrics/autoencoder_baseline", "plots/autoencoder",
                          "plots/autoencoder_training.csv", "plots/train/autoencoder"),
    "Denoising autoencoder": ("metrics/denoiser.json", "metrics/denoiser_baseline.json", "plots/denoiser", "plots/train/denoiser"),
    "Text generation": ("metrics/text.json", "metrics/text_baseline.json", "plots/text", "plots/train/text"),
    "IMDB sentiment": ("metrics/sentiment.json", "metrics/sentiment_baseline.json", "plots/sentiment", "plots/train/sentiment"),
}


# The plot data that names each baseline's chosen setting.
TUNING = ("plots/denoiser/filters.csv", "plots/text/baseline_grid.csv", "plots/sentiment/baseline_grid.csv")


def plot_data(paths, root=Path(".")):
    """{path: rows} of the plot data files among `paths` that exist under `root`."""
    found = {}
    for path in paths:
        if (root / path).exists():
            with open(root / path, encoding="utf-8", newline="") as handle:
                found[path] = list(csv.DictReader(handle))
    return found


def baseline_name(headline, tables):
    """The baseline, with the setting it was tuned to as `tables` (plot_data(TUNING)) have it."""
    if headline.project == "MNIST autoencoder":
        return f"PCA with {AUTOENCODER.match(headline.metric.split(':')[0])[1]} components"
    try:
        if headline.project == "Denoising autoencoder":
            best = max(tables[TUNING[0]], key=lambda row: float(row["validation_psnr"]))
            return f"the {best['filter']} filter ({best['parameter']}, the best classical filter on validation)"
        if headline.project == "Text generation":
            best = min(tables[TUNING[1]], key=lambda row: float(row["val_loss"]))
            return f"the {best['order']}-gram model (discount {float(best['discount']):g}, tuned on validation)"
        best = max(tables[TUNING[2]], key=lambda row: float(row["validation_accuracy"]))
        return (f"TF-IDF 1- to {best['max_ngram']}-grams + logistic regression "
                f"(C = {float(best['inverse_regularisation']):g}, tuned on validation)")
    except KeyError:  # not run yet
        return "its baseline"
