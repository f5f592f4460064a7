"""Command: denoise digit images or arrays with the trained denoising autoencoder (PNG pictures)."""
import argparse

from stages.cli import run
from stages.denoiser import MODEL, MODEL_STAGE
from stages.mnist.images import apply


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("inputs", nargs="+", help="PNG or JPEG digit images or .npy arrays (stages/mnist/images.py)")
    parser.add_argument("--output-dir", help="where the pictures go (default: beside each input)")
    args = parser.parse_args()
    apply(MODEL, MODEL_STAGE, args.inputs, args.output_dir, "denoised")


if __name__ == "__main__":
    run(main)
