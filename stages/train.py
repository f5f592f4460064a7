"""Stage: train one project's model and save it under data/models, with DVCLive curves under plots/train."""
import argparse
from functools import partial
from pathlib import Path

from stages import params
from stages.cli import StageError, run
from stages.outputs import load_arrays, load_split

PROCESSED_DIR = Path("data/processed")
MODELS_DIR = Path("data/models")
CURVES_DIR = Path("plots/train")


def train_autoencoder(args):
    from stages import models, training

    settings = params.load("autoencoder.train", params.Training)
    if args.latent_size is None or args.latent_size <= 0:
        raise StageError("autoencoder: --latent-size must be a positive integer (one of autoencoder.latent_sizes)")
    training.seed_everything(settings.seed)
    x_train, _ = load_split(PROCESSED_DIR / "mnist", "train")
    x_validation, _ = load_split(PROCESSED_DIR / "mnist", "validation")
    training.fit(
        partial(models.autoencoder, args.latent_size, settings.learning_rate),
        (x_train, x_train),
        (x_validation, x_validation),
        settings,
        live_dir=CURVES_DIR / "autoencoder" / f"latent_{args.latent_size}",
        model_path=MODELS_DIR / "autoencoder" / f"latent_{args.latent_size}.keras",
    )


def train_denoiser(args):
    from stages import mnist, models, training

    config = params.load("denoiser", mnist.Denoiser)
    training.seed_everything(config.train.seed)
    clean, noisy = PROCESSED_DIR / "mnist", PROCESSED_DIR / "mnist_noisy"
    # Noisy input -> clean target, for validation too.
    train = (load_split(noisy, "train")[0], load_split(clean, "train")[0])
    validation = (load_split(noisy, "validation")[0], load_split(clean, "validation")[0])
    training.fit(
        partial(models.autoencoder, config.latent_size, config.train.learning_rate),
        train,
        validation,
        config.train,
        live_dir=CURVES_DIR / "denoiser",
        model_path=MODELS_DIR / "denoiser.keras",
    )


def train_text(args):
    from stages import models, text, training

    model_config = params.load("text.model", text.CharModel)
    settings = params.load("text.train", params.Training)
    training.seed_everything(settings.seed)
    corpus = PROCESSED_DIR / "text"
    vocabulary = text.load_vocabulary(corpus / "vocabulary.json")["chars"]
    windows = load_arrays(corpus / "windows.npz")
    training.fit(
        partial(
            models.char_lstm,
            len(vocabulary),
            model_config.embedding_size,
            model_config.lstm_units,
            model_config.dropout,
            settings.learning_rate,
            model_config.objective,
        ),
        text.inputs_and_targets(windows["train"], model_config.objective),
        text.inputs_and_targets(windows["validation"], model_config.objective),
        settings,
        live_dir=CURVES_DIR / "text",
        model_path=MODELS_DIR / "text.keras",
    )


def train_sentiment(args):
    import keras

    from stages import imdb, models, training
    from stages.outputs import write_text

    model_config = params.load("sentiment.model", imdb.SentimentModel)
    settings = params.load("sentiment.train", imdb.SentimentTraining)
    training.seed_everything(settings.seed)
    processed = PROCESSED_DIR / "imdb"
    vocabulary_path = processed / "vocabulary.json"
    vocabulary = imdb.load_vocabulary(vocabulary_path)
    # Halving the rate after each epoch lets epochs 2-3 refine instead of overfitting (README results table).
    schedule = keras.callbacks.LearningRateScheduler(
        lambda epoch: settings.learning_rate * settings.learning_rate_decay**epoch
    )
    training.fit(
        partial(
            models.sentiment_lstm,
            vocabulary["num_words"],
            model_config.embedding_dim,
            model_config.lstm_units,
            model_config.dropout,
            settings.learning_rate,
        ),
        load_split(processed, "train"),
        load_split(processed, "validation"),
        settings,
        live_dir=CURVES_DIR / "sentiment",
        model_path=MODELS_DIR / "sentiment" / "model.keras",
        callbacks=[schedule],
    )
    # The model travels with the exact word mapping it was trained on, for evaluation and predict.
    write_text(MODELS_DIR / "sentiment" / "vocabulary.json", vocabulary_path.read_text(encoding="utf-8"))


TRAINERS = {"autoencoder": train_autoencoder, "denoiser": train_denoiser, "text": train_text, "sentiment": train_sentiment}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("project", choices=sorted(TRAINERS))
    parser.add_argument("--latent-size", type=int, help="autoencoder: which of autoencoder.latent_sizes to train")
    args = parser.parse_args()
    TRAINERS[args.project](args)


if __name__ == "__main__":
    run(main)
