"""Stage: score one project's trained model on its test data; write metrics/ and plots/."""
import argparse
import json
from pathlib import Path

from stages import params
from stages.cli import StageError, run
from stages.outputs import load_arrays, load_model, load_split, write_json

PROCESSED_DIR = Path("data/processed")
MODELS_DIR = Path("data/models")
METRICS_DIR = Path("metrics")
PLOTS_DIR = Path("plots")


def evaluate_autoencoder(args):
    from stages import metrics, mnist, plots

    config = params.load("autoencoder", mnist.Autoencoder)
    x_test, y_test = load_split(PROCESSED_DIR / "mnist", "test")
    shown = mnist.showcase_indices(y_test)
    scores = {**metrics.data_source("mnist"), "test_samples": len(x_test)}
    table, pictures = [], {"original": x_test[shown]}
    for latent_size in sorted(config.latent_sizes):
        model = load_model(MODELS_DIR / "autoencoder" / f"latent_{latent_size}.keras")
        reconstructed = model.predict(x_test, batch_size=1024, verbose=0)
        scores[f"latent_{latent_size}"] = metrics.image_metrics(x_test, reconstructed)
        table.append({"latent_size": latent_size, **scores[f"latent_{latent_size}"]})
        pictures[f"latent {latent_size}"] = reconstructed[shown]
        print(f"latent {latent_size}: {scores[f'latent_{latent_size}']}")
    write_json(METRICS_DIR / "autoencoder.json", scores)
    plots.write_table(PLOTS_DIR / "autoencoder" / "latent_comparison.csv", table)
    plots.image_rows(pictures, PLOTS_DIR / "autoencoder" / "reconstructions.png")


def evaluate_denoiser(args):
    import numpy as np

    from stages import metrics, mnist, plots

    config = params.load("denoiser", mnist.Denoiser)
    noise = params.load("noise", mnist.Noise)
    x_test, y_test = load_split(PROCESSED_DIR / "mnist", "test")
    x_noisy, _ = load_split(PROCESSED_DIR / "mnist_noisy", "test")
    denoiser = load_model(MODELS_DIR / "denoiser.keras")
    baseline_path = MODELS_DIR / "autoencoder" / f"latent_{config.latent_size}.keras"
    if not baseline_path.is_file():
        raise StageError(
            f"{baseline_path}: missing; denoiser.latent_size {config.latent_size} must be one of autoencoder.latent_sizes"
        )
    baseline = load_model(baseline_path)

    denoised = denoiser.predict(x_noisy, batch_size=1024, verbose=0)
    reconstructed = baseline.predict(x_noisy, batch_size=1024, verbose=0)
    scores = {
        **metrics.data_source("mnist"),
        "noise_std": noise.std,
        **metrics.image_metrics(x_test, denoised, "test"),
        **metrics.image_metrics(x_test, reconstructed, "baseline"),
        **metrics.image_metrics(x_test, x_noisy, "noisy"),
    }
    scores["psnr_gain_over_baseline_db"] = scores["test_psnr"] - scores["baseline_psnr"]
    scores["psnr_gain_over_noisy_db"] = scores["test_psnr"] - scores["noisy_psnr"]
    scores["loss_gain_over_baseline"] = scores["baseline_loss"] - scores["test_loss"]
    write_json(METRICS_DIR / "denoiser.json", scores)
    print(json.dumps(scores, indent=2))

    shown = mnist.showcase_indices(y_test)
    plots.image_rows(
        {
            "noisy": x_noisy[shown],
            "denoised": denoised[shown],
            "original": x_test[shown],
            f"plain AE {config.latent_size}": reconstructed[shown],
        },
        PLOTS_DIR / "denoiser" / "denoising.png",
    )

    # Both models were trained at one noise level; this shows where their resilience ends.
    curve = []
    for index, std in enumerate(config.robustness_stds):
        noisy = mnist.add_noise(x_test, std, noise.clip, np.random.default_rng([noise.seed, index]))
        curve.append(
            {
                "noise_std": std,
                "denoiser_psnr": metrics.psnr(x_test, denoiser.predict(noisy, batch_size=1024, verbose=0)),
                "autoencoder_psnr": metrics.psnr(x_test, baseline.predict(noisy, batch_size=1024, verbose=0)),
            }
        )
    plots.write_table(PLOTS_DIR / "denoiser" / "robustness.csv", curve)


def evaluate_text(args):
    import numpy as np

    from stages import metrics, plots, text

    config = params.load("text.evaluate", text.Evaluation)
    corpus = PROCESSED_DIR / "text"
    vocabulary = text.load_vocabulary(corpus / "vocabulary.json")["chars"]
    ids = load_arrays(corpus / "ids.npz")
    model = load_model(MODELS_DIR / "text.keras")
    everything, start = np.concatenate([ids["train"], ids["validation"]]), len(ids["train"])
    if start < config.context_len:
        raise StageError(f"params.yaml: text.evaluate.context_len {config.context_len} is longer than the training text")
    # One definition for both models: each held-out character given the context_len characters before it.
    contexts, targets = text.context_windows(everything, start, config.context_len)
    probabilities = model.predict(contexts, batch_size=512, verbose=0)
    if probabilities.ndim == 3:  # every-position model: the prediction after the whole context
        probabilities = probabilities[:, -1]
    model_loss = metrics.mean_negative_log_likelihood(probabilities, targets)
    baseline = text.NgramModel(ids["train"], config.baseline_order, len(vocabulary))
    baseline_loss = baseline.mean_nll(everything, start, config.context_len)
    scores = {
        **metrics.data_source("text"),
        "validation_chars": len(targets),
        "context_len": config.context_len,
        **metrics.language_model_metrics(model_loss, "val"),
        "baseline_order": config.baseline_order,
        **metrics.language_model_metrics(baseline_loss, "baseline_val"),
        "val_loss_gain_over_baseline": baseline_loss - model_loss,
    }
    write_json(METRICS_DIR / "text.json", scores)
    print(json.dumps(scores, indent=2))
    if model_loss >= baseline_loss:
        print(f"WARNING: the LSTM ({model_loss:.4f} nats/char) does not beat the n-gram baseline ({baseline_loss:.4f})")
    plots.write_table(
        PLOTS_DIR / "text" / "val_loss.csv",
        [
            {"model": "LSTM", "val_loss": model_loss, "val_bpc": scores["val_bpc"]},
            {"model": f"{config.baseline_order}-gram", "val_loss": baseline_loss, "val_bpc": scores["baseline_val_bpc"]},
        ],
    )


def evaluate_sentiment(args):
    import numpy as np
    from sklearn.metrics import confusion_matrix, precision_recall_curve, roc_curve

    from stages import imdb, metrics, plots

    config = params.load("sentiment.evaluate", imdb.SentimentEvaluation)
    baseline_config = params.load("sentiment.baseline", imdb.TfidfBaseline)
    x_test, y_test = load_split(PROCESSED_DIR / "imdb", "test")
    model = load_model(MODELS_DIR / "sentiment" / "model.keras")
    probabilities = model.predict(x_test, batch_size=512, verbose=0).ravel()

    # The baseline sees the raw text of the same reviews: all of train (it needs no validation
    # split), scored on the same test split, at its own natural threshold of 0.5.
    reviews = imdb.load_reviews(Path("data/raw") / imdb.FILENAME, expected_counts=None)
    train, test = reviews[reviews["split"] == "train"], reviews[reviews["split"] == "test"]
    if not np.array_equal(test["label"].to_numpy(), y_test):
        raise StageError("data/processed/imdb/test.npz: labels differ from the raw test split (run dvc repro)")
    baseline_probabilities = imdb.tfidf_baseline(
        train["text"], train["label"], test["text"],
        baseline_config.max_ngram, baseline_config.min_df, baseline_config.inverse_regularisation,
    )
    baseline = metrics.binary_classification(y_test, baseline_probabilities, 0.5, prefix="baseline_")
    scores = {
        **metrics.data_source("imdb"),
        "test_samples": len(y_test),
        "threshold": config.threshold,
        **metrics.binary_classification(y_test, probabilities, config.threshold),
        **baseline,
    }
    write_json(METRICS_DIR / "sentiment.json", scores)
    print(json.dumps(scores, indent=2))

    out = PLOTS_DIR / "sentiment"
    predicted = (probabilities >= config.threshold).astype(int)
    # One row per review, as DVC's confusion template wants (1 = positive).
    plots.write_table(
        out / "confusion.csv", [{"actual": int(a), "predicted": int(p)} for a, p in zip(y_test, predicted)]
    )
    plots.confusion_heatmap(
        confusion_matrix(y_test, predicted, labels=[0, 1]),
        ["negative", "positive"],
        out / "confusion_matrix.png",
        f"LSTM on {len(y_test):,} test reviews, threshold {config.threshold}",
    )
    false_positive_rate, true_positive_rate, _ = roc_curve(y_test, probabilities)
    plots.write_table(out / "roc.csv", metrics.curve_points(false_positive_rate, true_positive_rate, "fpr", "tpr"))
    precision, recall, _ = precision_recall_curve(y_test, probabilities)
    plots.write_table(out / "precision_recall.csv", metrics.curve_points(recall, precision, "recall", "precision"))
    plots.write_table(out / "threshold_sweep.csv", metrics.threshold_sweep(y_test, probabilities, np.arange(1, 100) / 100))


EVALUATORS = {
    "autoencoder": evaluate_autoencoder,
    "denoiser": evaluate_denoiser,
    "text": evaluate_text,
    "sentiment": evaluate_sentiment,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("project", choices=sorted(EVALUATORS))
    args = parser.parse_args()
    EVALUATORS[args.project](args)


if __name__ == "__main__":
    run(main)
