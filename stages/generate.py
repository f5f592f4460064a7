"""Stage: sample text from the trained character model at one temperature and measure the sample; or tabulate all temperatures."""
import argparse
import json
import logging
from pathlib import Path

from stages import params
from stages.cli import StageError, run
from stages.outputs import load_model, write_json, write_text

PROCESSED_DIR = Path("data/processed")
MODELS_DIR = Path("data/models")
SAMPLE_METRICS_DIR = Path("metrics/text_samples")
PLOTS_DIR = Path("plots/text")
SAMPLES_DIR = PLOTS_DIR / "samples"
RATIOS = ["distinct_2", "distinct_3", "repetition_rate_4", "known_word_share"]

log = logging.getLogger(__name__)


def sample_text(config, temperature_arg):
    import numpy as np
    import tensorflow as tf

    from stages import text

    # The file names use the value exactly as dvc.yaml passes it, so they match the declared outs.
    try:
        temperature = float(temperature_arg)
    except ValueError:
        temperature = float("nan")
    if not temperature > 0:
        raise StageError(f"--temperature: expected a number > 0 (see text.generate.temperatures), got {temperature_arg!r}")
    corpus = PROCESSED_DIR / "text"
    vocabulary = text.load_vocabulary(corpus / "vocabulary.json")["chars"]
    summary = json.loads((corpus / "corpus.json").read_text(encoding="utf-8"))
    model = load_model(MODELS_DIR / "text.keras")

    seed = text.clean(config.seed_text, summary["lowercase"])
    unknown = text.unknown_characters(seed, vocabulary)
    if unknown:
        log.warning("text.generate.seed_text: %s not in the vocabulary; fed to the model as the OOV symbol", unknown)

    # One traced graph for every context length: 30x faster per character than eager calls.
    next_character = tf.function(
        lambda context: model(context, training=False), input_signature=[tf.TensorSpec([1, None], tf.int32)]
    )

    def predict(context):
        probabilities = next_character(context[None, :]).numpy()[0]
        return probabilities[-1] if probabilities.ndim == 2 else probabilities

    ids, log_likelihood = text.generate(
        predict, text.encode(seed, vocabulary), config.length, temperature,
        np.random.default_rng(config.seed), summary["seq_len"],
    )
    sample = text.decode(ids, vocabulary)
    training_words = set(text.words((corpus / "train.txt").read_text(encoding="utf-8")))
    scores = {
        "temperature": temperature,
        "length": config.length,
        **text.sample_metrics(sample, training_words),
        "sample_log_likelihood": log_likelihood,
    }
    write_json(SAMPLE_METRICS_DIR / f"temperature_{temperature_arg}.json", scores)
    write_text(SAMPLES_DIR / f"temperature_{temperature_arg}.txt", seed + sample + "\n")
    print(f"temperature {temperature}: {scores}\n{seed}{sample}")


def tabulate_samples(config):
    """One table, one figure and one readable page over the temperatures of params.yaml."""
    from stages import plots

    found = {}
    for path in sorted(SAMPLE_METRICS_DIR.glob("temperature_*.json")):
        scores = json.loads(path.read_text(encoding="utf-8"))
        found[scores["temperature"]] = (scores, SAMPLES_DIR / f"{path.stem}.txt")
    missing = [t for t in config.temperatures if t not in found]
    if missing:
        raise StageError(f"{SAMPLE_METRICS_DIR}: no sample for temperatures {missing} (run dvc repro)")
    rows = [{"temperature": t, **{key: found[t][0][key] for key in [*RATIOS, "sample_log_likelihood"]}}
            for t in sorted(config.temperatures)]
    plots.write_table(PLOTS_DIR / "temperature_metrics.csv", rows)
    plots.line_panels(
        rows, "temperature",
        {"sample diversity and word validity": RATIOS, "model log-likelihood of its own sample (nats/char)":
         ["sample_log_likelihood"]},
        PLOTS_DIR / "temperature_metrics.png",
    )
    page = ["# Samples by temperature", "", "Each sample starts with the seed text (`text.generate.seed_text`).", ""]
    for row in rows:
        sample = found[row["temperature"]][1].read_text(encoding="utf-8").rstrip("\n")
        figures = ", ".join(f"{key} {row[key]:.3f}" for key in [*RATIOS, "sample_log_likelihood"])
        page += [f"## Temperature {row['temperature']}", "", figures, "", "```text", sample, "```", ""]
    write_text(PLOTS_DIR / "samples.md", "\n".join(page))


def generate_text(args):
    from stages import text

    config = params.load("text.generate", text.Generation)
    if args.summary:
        tabulate_samples(config)
    elif args.temperature is None:
        raise StageError("text: give --temperature T (one of text.generate.temperatures) or --summary")
    else:
        sample_text(config, args.temperature)


GENERATORS = {"text": generate_text}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("project", choices=sorted(GENERATORS))
    parser.add_argument("--temperature", help="text: sampling temperature, > 0")
    parser.add_argument("--summary", action="store_true", help="text: tabulate and plot the samples of all temperatures")
    args = parser.parse_args()
    GENERATORS[args.project](args)


if __name__ == "__main__":
    run(main)
