"""Stage: export the plain autoencoder of one latent size for TF Serving (data/export/autoencoder_latent_<N>)."""
import argparse

from stages import serving
from stages.cli import run
from stages.mnist import autoencoder_model, autoencoder_stage


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latent-size", type=int, required=True, help="one of autoencoder.latent_sizes")
    latent_size = parser.parse_args().latent_size
    destination = serving.EXPORTS / f"autoencoder_latent_{latent_size}"
    serving.main(autoencoder_model(latent_size), autoencoder_stage(latent_size), destination)


if __name__ == "__main__":
    run(main)
