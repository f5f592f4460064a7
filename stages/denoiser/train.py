"""Stage: train the denoising autoencoder, noisy digits in, clean digits out (for validation too)."""
import argparse
from functools import partial

from stages import params, training
from stages.cli import run
from stages.denoiser import MODEL, NOISY_DIGITS, TRAINING_LOG
from stages.denoiser.schema import Denoiser
from stages.mnist import DIGITS
from stages.mnist.model import autoencoder
from stages.mnist.schema import AutoencoderModel
from stages.outputs import load_split


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    config = params.load("denoiser", Denoiser)
    model = params.load("autoencoder.model", AutoencoderModel)
    training.seed_everything(config.train.seed)
    train = (load_split(NOISY_DIGITS, "train")[0], load_split(DIGITS, "train")[0])
    validation = (load_split(NOISY_DIGITS, "validation")[0], load_split(DIGITS, "validation")[0])
    training.fit(
        partial(autoencoder, config.latent_size, config.train.learning_rate, model.encoder_activation),
        train,
        validation,
        config.train,
        live_dir=TRAINING_LOG,
        model_path=MODEL,
    )


if __name__ == "__main__":
    run(main)
