"""Command: continue a prompt with the trained character model, printed to stdout."""
import argparse
import json
import math

from stages.cli import StageError, run
from stages.outputs import load_model
from stages.text import CORPUS_SUMMARY, MODEL, MODEL_STAGE, VOCABULARY
from stages.text.continuation import continue_text
from stages.text.corpus import load_vocabulary


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("prompt", help="the text to continue")
    parser.add_argument("--temperature", type=float, default=0.5, help="> 0: low is safe, high inventive (default 0.5)")
    parser.add_argument("--length", type=int, default=300, help="characters to generate (default 300)")
    parser.add_argument("--seed", type=int, help="sampling seed, for the same text again (default: a fresh one)")
    args = parser.parse_args()
    if not (args.temperature > 0 and math.isfinite(args.temperature)):
        raise StageError(f"--temperature: expected a number > 0, got {args.temperature}")
    if args.length < 1:
        raise StageError(f"--length: expected a positive number of characters, got {args.length}")
    if not args.prompt.strip():
        raise StageError('empty prompt: give some text to continue, e.g. "Once when I was six years old"')
    vocabulary = load_vocabulary(VOCABULARY)["chars"]
    if not CORPUS_SUMMARY.is_file():
        raise StageError(f"{CORPUS_SUMMARY}: missing (run dvc repro to build it)")
    summary = json.loads(CORPUS_SUMMARY.read_text(encoding="utf-8"))
    model = load_model(MODEL, MODEL_STAGE)

    prompt, sample, _ = continue_text(
        model, args.prompt, vocabulary, summary, args.length, args.temperature, args.seed, "prompt"
    )
    print(prompt + sample)


if __name__ == "__main__":
    run(main)
