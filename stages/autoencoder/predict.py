"""Command: reconstruct digit images or arrays with the trained autoencoder of one latent size (PNG pictures)."""
import argparse

from stages.cli import run
from stages.mnist import autoencoder_model, autoencoder_stage
from stages.mnist.images import apply


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("inputs", nargs="+", help="PNG or JPEG digit images or .npy arrays (stages/mnist/images.py)")
    parser.add_argument("--latent-size", type=int, required=True, help="one of autoencoder.latent_sizes")
    parser.add_argument("--output-dir", help="where the pictures go (default: beside each input)")
    args = parser.parse_args()
    model, stage = autoencoder_model(args.latent_size), autoencoder_stage(args.latent_size)
    apply(model, stage, args.inputs, args.output_dir, f"latent_{args.latent_size}")


if __name__ == "__main__":
    run(main)
