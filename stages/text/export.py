"""Stage: export the character model for TF Serving, with its vocabulary in assets.extra (data/export/text)."""
import argparse

from stages import serving
from stages.cli import run
from stages.text import MODEL, MODEL_STAGE, VOCABULARY
from stages.text.corpus import load_vocabulary


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    # Character ids mean nothing without the id -> character list; checked before it ships.
    load_vocabulary(VOCABULARY)
    serving.main(MODEL, MODEL_STAGE, serving.EXPORTS / "text", assets_extra=[VOCABULARY])


if __name__ == "__main__":
    run(main)
