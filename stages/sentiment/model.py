"""The sentiment LSTM and its params (params.yaml `sentiment.model`)."""
from typing import Annotated

import keras
from pydantic import Field

from stages.params import PositiveInt, Section


class SentimentModel(Section):
    embedding_dim: PositiveInt
    lstm_units: PositiveInt
    dropout: Annotated[float, Field(ge=0, lt=1)]


def sentiment_lstm(num_words, embedding_dim, lstm_units, dropout, learning_rate):
    """Word ids (0 = padding, masked) -> Embedding -> LSTM -> Dense(1, sigmoid), binary cross-entropy."""
    inputs = keras.Input(shape=(None,), dtype="int32", name="word_ids")
    embedded = keras.layers.Embedding(num_words, embedding_dim, mask_zero=True, name="embedding")(inputs)
    # LSTM `dropout` drops whole embedding channels of a review (one mask for every step), which keeps
    # the cuDNN kernel; recurrent_dropout would lose it. Default activations, unroll=False and
    # use_bias=True, and padding only at the end of a sequence, are the rest of what cuDNN needs.
    hidden = keras.layers.LSTM(lstm_units, dropout=dropout, name="lstm")(embedded)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="positive")(hidden)
    model = keras.Model(inputs, outputs, name="sentiment_lstm")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy", metrics=["accuracy"]
    )
    return model
