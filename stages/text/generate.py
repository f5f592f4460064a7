"""Stage: sample text from the trained character model at one temperature, and measure the sample."""
import argparse
import json

from stages import params
from stages.cli import StageError, run
from stages.outputs import load_model, write_json, write_text
from stages.text import CORPUS_SUMMARY, MODEL, MODEL_STAGE, SAMPLES, TRAIN_TEXT, VOCABULARY
from stages.text.continuation import continue_text
from stages.text.corpus import load_vocabulary
from stages.text.sampling import Generation, sample_metrics, words


def parse_temperature(argument):
    """The temperature as a number > 0; the files keep the spelling dvc.yaml passes, to match its outs."""
    try:
        temperature = float(argument)
    except ValueError:
        temperature = float("nan")
    if not temperature > 0:
        raise StageError(f"--temperature: expected a number > 0 (see text.generate.temperatures), got {argument!r}")
    return temperature


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--temperature", required=True, help="sampling temperature, > 0")
    argument = parser.parse_args().temperature
    temperature = parse_temperature(argument)
    config = params.load("text.generate", Generation)
    vocabulary = load_vocabulary(VOCABULARY)["chars"]
    summary = json.loads(CORPUS_SUMMARY.read_text(encoding="utf-8"))
    model = load_model(MODEL, MODEL_STAGE)

    seed, sample, log_likelihood = continue_text(
        model, config.seed_text, vocabulary, summary, config.length, temperature, config.seed,
        "text.generate.seed_text",
    )
    training_words = set(words(TRAIN_TEXT.read_text(encoding="utf-8")))
    scores = {
        "temperature": temperature,
        "length": config.length,
        **sample_metrics(sample, training_words),
        "sample_log_likelihood": log_likelihood,
    }
    write_json(SAMPLES / f"temperature_{argument}.json", scores)
    write_text(SAMPLES / f"temperature_{argument}.txt", seed + sample + "\n")
    print(f"temperature {temperature}: {scores}\n{seed}{sample}")


if __name__ == "__main__":
    run(main)
