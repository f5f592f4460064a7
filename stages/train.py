"""Stage: train one project's model and save it under data/models, with DVCLive curves under plots/train."""
import argparse
from pathlib import Path

from stages import params
from stages.cli import StageError, run

PROCESSED_DIR = Path("data/processed")
MODELS_DIR = Path("data/models")
CURVES_DIR = Path("plots/train")


def train_autoencoder(args):
    from stages import mnist, models, training

    settings = params.load("autoencoder.train", params.Training)
    if args.latent_size is None or args.latent_size <= 0:
        raise StageError("autoencoder: --latent-size must be a positive integer (one of autoencoder.latent_sizes)")
    training.seed_everything(settings.seed)
    x_train, _ = mnist.load_split(PROCESSED_DIR / "mnist", "train")
    x_validation, _ = mnist.load_split(PROCESSED_DIR / "mnist", "validation")
    model = models.autoencoder(args.latent_size, settings.learning_rate)
    training.fit(
        model,
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
    train = (mnist.load_split(noisy, "train")[0], mnist.load_split(clean, "train")[0])
    validation = (mnist.load_split(noisy, "validation")[0], mnist.load_split(clean, "validation")[0])
    training.fit(
        models.autoencoder(config.latent_size, config.train.learning_rate),
        train,
        validation,
        config.train,
        live_dir=CURVES_DIR / "denoiser",
        model_path=MODELS_DIR / "denoiser.keras",
    )


TRAINERS = {"autoencoder": train_autoencoder, "denoiser": train_denoiser}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("project", choices=sorted(TRAINERS))
    parser.add_argument("--latent-size", type=int, help="autoencoder: which of autoencoder.latent_sizes to train")
    args = parser.parse_args()
    TRAINERS[args.project](args)


if __name__ == "__main__":
    run(main)
