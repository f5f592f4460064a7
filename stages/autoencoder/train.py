"""Stage: train the plain autoencoder of one latent size on the clean digits (clean -> clean)."""
import argparse
from functools import partial

from stages import params, training
from stages.autoencoder import training_log
from stages.cli import StageError, run
from stages.mnist import DIGITS, autoencoder_model
from stages.mnist.model import autoencoder
from stages.mnist.schema import AutoencoderModel
from stages.outputs import load_split


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latent-size", type=int, required=True, help="one of autoencoder.latent_sizes")
    latent_size = parser.parse_args().latent_size
    settings = params.load("autoencoder.train", params.Training)
    model = params.load("autoencoder.model", AutoencoderModel)
    if latent_size <= 0:
        raise StageError("--latent-size must be a positive integer (one of autoencoder.latent_sizes)")
    training.seed_everything(settings.seed)
    x_train, _ = load_split(DIGITS, "train")
    x_validation, _ = load_split(DIGITS, "validation")
    training.fit(
        partial(autoencoder, latent_size, settings.learning_rate, model.encoder_activation),
        (x_train, x_train),
        (x_validation, x_validation),
        settings,
        live_dir=training_log(latent_size),
        model_path=autoencoder_model(latent_size),
    )


if __name__ == "__main__":
    run(main)
