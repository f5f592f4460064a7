"""Stage: export the character model for TF Serving, with its vocabulary in assets.extra (data/export/text)."""
import argparse

from stages import params, serving
from stages.cli import run
from stages.text import MODEL, MODEL_STAGE, VOCABULARY
from stages.text.corpus import load_vocabulary

EXPORT = serving.EXPORTS / "text"


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    version = params.load("export", serving.Export).version
    # Character ids mean nothing without the id -> character list; checked before it ships.
    load_vocabulary(VOCABULARY)
    serving.export(serving.load(MODEL, MODEL_STAGE), EXPORT, version, assets_extra=[VOCABULARY])


if __name__ == "__main__":
    run(main)
