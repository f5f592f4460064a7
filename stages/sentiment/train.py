"""Stage: train the sentiment LSTM on the word-id sequences; the vocabulary is saved beside the model."""
import argparse
from functools import partial
from typing import Annotated

import keras
from pydantic import Field

from stages import params, training
from stages.cli import run
from stages.outputs import load_split, write_text
from stages.sentiment import MODEL, MODEL_VOCABULARY, SEQUENCES, TRAINING_LOG, VOCABULARY
from stages.sentiment.batches import LengthBatches
from stages.sentiment.encoding import load_vocabulary
from stages.sentiment.model import SentimentModel, sentiment_lstm


class SentimentTraining(params.Training):
    # The learning rate is multiplied by this after every epoch.
    learning_rate_decay: Annotated[float, Field(gt=0, le=1)]


def main():
    argparse.ArgumentParser(description=__doc__).parse_args()
    model_config = params.load("sentiment.model", SentimentModel)
    settings = params.load("sentiment.train", SentimentTraining)
    training.seed_everything(settings.seed)
    vocabulary = load_vocabulary(VOCABULARY)
    # Halving the rate after each epoch lets the later epochs refine instead of overfitting (docs/tuning-log.md).
    schedule = keras.callbacks.LearningRateScheduler(
        lambda epoch: settings.learning_rate * settings.learning_rate_decay**epoch
    )
    history = training.fit(
        partial(
            sentiment_lstm,
            vocabulary["num_words"],
            model_config.embedding_dim,
            model_config.lstm_units,
            model_config.dropout,
            settings.learning_rate,
        ),
        LengthBatches(*load_split(SEQUENCES, "train"), settings.batch_size, seed=settings.seed),
        LengthBatches(*load_split(SEQUENCES, "validation"), settings.batch_size),
        settings,
        live_dir=TRAINING_LOG,
        model_path=MODEL,
        callbacks=[schedule],
    )
    if history is not None:  # None: a multi_worker worker other than the chief, which writes nothing
        write_text(MODEL_VOCABULARY, VOCABULARY.read_text(encoding="utf-8"))


if __name__ == "__main__":
    run(main)
