"""Stage: export the plain autoencoder of one latent size for TF Serving (data/export/autoencoder_latent_<N>)."""
import argparse

from stages import params, serving
from stages.cli import run
from stages.mnist import autoencoder_model, autoencoder_stage


def export_path(latent_size):
    return serving.EXPORTS / f"autoencoder_latent_{latent_size}"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latent-size", type=int, required=True, help="one of autoencoder.latent_sizes")
    latent_size = parser.parse_args().latent_size
    version = params.load("export", serving.Export).version
    model = serving.load(autoencoder_model(latent_size), autoencoder_stage(latent_size))
    serving.export(model, export_path(latent_size), version)


if __name__ == "__main__":
    run(main)
