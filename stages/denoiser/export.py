"""Stage: export the denoising autoencoder for TF Serving (data/export/denoiser)."""
import argparse

from stages import serving
from stages.cli import run
from stages.denoiser import MODEL, MODEL_STAGE


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    serving.main(MODEL, MODEL_STAGE, serving.EXPORTS / "denoiser")


if __name__ == "__main__":
    run(main)
