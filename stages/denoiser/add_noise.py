"""Stage: add seeded Gaussian noise to the processed MNIST splits (data/processed/mnist_noisy)."""
import argparse

import numpy as np

from stages import params
from stages.cli import run
from stages.denoiser import NOISY_DIGITS
from stages.denoiser.noise import Noise, add_noise
from stages.mnist import DIGITS, SPLITS
from stages.outputs import load_split, save_arrays


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    noise = params.load("noise", Noise)
    # One stream per split, all from noise.seed: independent of the training seed.
    streams = np.random.default_rng(noise.seed).spawn(len(SPLITS))
    for split, rng in zip(SPLITS, streams):
        x, y = load_split(DIGITS, split)
        noisy = add_noise(x, noise.std, noise.clip, rng)
        save_arrays(NOISY_DIGITS / f"{split}.npz", x=noisy, y=y)
        print(f"{split}: {len(x)} digits, noise std {noise.std}, clipped: {noise.clip}")


if __name__ == "__main__":
    run(main)
