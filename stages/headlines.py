"""The report's four projects, in pipeline order, and what each achieved against its baseline."""
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Headline:
    """One project's headline metric against its baseline, and a sentence saying it in plain words."""

    metric: str
    value: float
    baseline: str
    baseline_value: float | None
    # How far the value is ahead of the baseline, in the metric's unit (negative: behind it).
    gain: float | None
    sentence: str
    # The same metric as `make seeds` summarises it in metrics/seeds.json ("FILE:KEY"), and the factor
    # that turns it into this headline's unit.
    seed_key: str | None = None
    scale: float = 1.0


NOT_RUN = Headline("not run", None, None, None, None, "")


def ahead(gain, unit, digits):
    return f"{abs(gain):.{digits}f} {unit} {'better' if gain >= 0 else 'worse'}"


def autoencoder(metrics):
    scores = metrics["metrics/autoencoder.json"]
    sizes = sorted(int(key.split(".")[0].removeprefix("latent_")) for key in scores if key.endswith(".test_loss"))
    largest = sizes[-1]
    loss, psnr = scores[f"latent_{largest}.test_loss"], scores[f"latent_{largest}.test_psnr"]
    pca_loss, gain = scores[f"latent_{largest}.pca_test_loss"], scores[f"latent_{largest}.loss_gain_over_pca"]
    behind = [size for size in sizes if scores[f"latent_{size}.loss_gain_over_pca"] <= 0]
    probes = " / ".join(f"{scores[f'latent_{size}.probe_accuracy']:.3f}" for size in sizes)
    pca_probes = " / ".join(f"{scores[f'latent_{size}.pca_probe_accuracy']:.3f}" for size in sizes)
    sentence = (
        f"The autoencoder rebuilds test digits from a {largest}-number code at {loss:.4f} BCE ({psnr:.1f} dB PSNR), "
        f"{ahead(gain, 'BCE', 4)} than PCA with {largest} components ({pca_loss:.4f}, "
        f"{scores[f'latent_{largest}.pca_test_psnr']:.1f} dB); "
        + ("it beats PCA at every latent size" if not behind else f"it does not beat PCA at latent {behind}")
        + f". A linear probe reads the digit from its codes at {probes} test accuracy at latent "
        f"{' / '.join(map(str, sizes))} (PCA's codes: {pca_probes}; raw pixels: {scores['pixels_probe_accuracy']:.3f})."
    )
    return Headline(f"test BCE, latent {largest}", loss, f"PCA, {largest} components", pca_loss, gain, sentence,
                    f"metrics/autoencoder.json:latent_{largest}.test_loss")


def denoiser(metrics):
    scores = metrics["metrics/denoiser.json"]
    best = scores["best_filter"].replace("_", " ")
    gain = scores["psnr_gain_over_best_filter_db"]
    sentence = (
        f"The denoiser recovers {scores['test_psnr']:.1f} dB PSNR from std-{scores['noise_std']:g} noisy digits, "
        f"{ahead(gain, 'dB', 1)} than the best classical filter ({best}, {scores['best_filter_psnr']:.1f} dB) and "
        f"{ahead(scores['psnr_gain_over_noisy_db'], 'dB', 1)} than the noisy input itself "
        f"({scores['noisy_psnr']:.1f} dB); the plain autoencoder of the same size, trained on clean digits only, "
        f"reaches {scores['plain_autoencoder_psnr']:.1f} dB on them."
    )
    return Headline(
        "test PSNR (dB)", scores["test_psnr"], f"best classical filter ({best})", scores["best_filter_psnr"], gain,
        sentence, "metrics/denoiser.json:test_psnr",
    )


def text(metrics):
    scores = metrics["metrics/text.json"]
    gain = scores["baseline_test_loss"] - scores["test_loss"]
    baseline = f"{scores['baseline_order']}-gram model (D={scores['baseline_discount']:g}, tuned on validation)"
    sentence = (
        f"The character LSTM predicts the test part of the text at {scores['test_loss']:.3f} nats/char "
        f"({scores['test_bpc']:.2f} bits/char), {ahead(gain, 'nats/char', 3)} than the strongest baseline, a "
        f"{baseline} ({scores['baseline_test_loss']:.3f})."
    )
    return Headline(
        "test loss (nats/char)", scores["test_loss"], baseline, scores["baseline_test_loss"], gain,
        sentence, "metrics/text.json:test_loss",
    )


def sentiment(metrics):
    scores, tuned = metrics["metrics/sentiment.json"], metrics["metrics/sentiment_baseline.json"]
    accuracy, baseline = 100 * scores["accuracy"], 100 * scores["baseline_accuracy"]
    gain = accuracy - baseline
    name = (
        f"TF-IDF 1- to {tuned['max_ngram']}-grams + logistic regression "
        f"(C={tuned['inverse_regularisation']:g}, tuned on validation)"
    )
    sentence = (
        f"The LSTM labels {accuracy:.1f}% of the {scores['test_samples']} test reviews correctly "
        f"(F1 {scores['f1']:.3f}), {ahead(gain, 'points', 1)} than the strongest baseline, {name} "
        f"({baseline:.1f}%, F1 {scores['baseline_f1']:.3f})."
    )
    return Headline("test accuracy (%)", accuracy, name, baseline, gain, sentence,
                    "metrics/sentiment.json:accuracy", 100.0)


@dataclass(frozen=True)
class Project:
    title: str
    # Metrics and plot files at or under these paths belong to the project.
    paths: tuple[str, ...]
    headline: Callable[[dict], Headline]

    def owns(self, path):
        return any(path == prefix or path.startswith(prefix + "/") for prefix in self.paths)

    def headline_of(self, metrics):
        """The headline from one revision's metrics ({file: {key: value}}), or NOT_RUN."""
        try:
            return self.headline(metrics)
        except KeyError:  # not run at this revision, or run before these metrics existed
            return NOT_RUN


PROJECTS = (
    Project("MNIST autoencoder", ("metrics/autoencoder.json", "metrics/autoencoder_baseline.json", "plots/autoencoder",
                                  "plots/train/autoencoder"), autoencoder),
    Project("Denoising autoencoder", ("metrics/denoiser.json", "metrics/denoiser_baseline.json", "plots/denoiser",
                                      "plots/train/denoiser"), denoiser),
    Project("Text generation", ("metrics/text.json", "metrics/text_baseline.json", "metrics/text_samples", "plots/text",
                                "plots/train/text"), text),
    Project("IMDB sentiment", ("metrics/sentiment.json", "metrics/sentiment_baseline.json", "plots/sentiment",
                               "plots/train/sentiment"), sentiment),
)
