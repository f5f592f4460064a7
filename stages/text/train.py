"""Stage: train the character LSTM on the training windows, with early stopping on the held-out windows."""
import argparse
from functools import partial

from stages import params, training
from stages.cli import run
from stages.outputs import load_arrays
from stages.text import MODEL, TRAINING_LOG, VOCABULARY, WINDOWS
from stages.text.corpus import inputs_and_targets, load_vocabulary
from stages.text.model import CharModel, char_lstm


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    model_config = params.load("text.model", CharModel)
    settings = params.load("text.train", params.Training)
    training.seed_everything(settings.seed)
    vocabulary = load_vocabulary(VOCABULARY)["chars"]
    windows = load_arrays(WINDOWS)
    training.fit(
        partial(
            char_lstm,
            len(vocabulary),
            model_config.embedding_size,
            model_config.lstm_units,
            model_config.input_dropout,
            model_config.dropout,
            settings.learning_rate,
            model_config.objective,
        ),
        inputs_and_targets(windows["train"], model_config.objective),
        inputs_and_targets(windows["validation"], model_config.objective),
        settings,
        live_dir=TRAINING_LOG,
        model_path=MODEL,
    )


if __name__ == "__main__":
    run(main)
