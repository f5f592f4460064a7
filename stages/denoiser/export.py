"""Stage: export the denoising autoencoder for TF Serving (data/export/denoiser)."""
import argparse

from stages import params, serving
from stages.cli import run
from stages.denoiser import MODEL, MODEL_STAGE

EXPORT = serving.EXPORTS / "denoiser"


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    version = params.load("export", serving.Export).version
    serving.export(serving.load(MODEL, MODEL_STAGE), EXPORT, version)


if __name__ == "__main__":
    run(main)
