"""The character LSTM and its params (params.yaml `text.model`)."""
from typing import Annotated, Literal

import keras
from pydantic import Field

from stages.params import PositiveInt, Section


class CharModel(Section):
    embedding_size: PositiveInt
    lstm_units: PositiveInt
    input_dropout: Annotated[float, Field(ge=0, lt=1)]
    dropout: Annotated[float, Field(ge=0, lt=1)]
    objective: Literal["every_position", "last_character"]


def char_lstm(vocabulary_size, embedding_size, lstm_units, input_dropout, dropout, learning_rate, objective):
    """Character ids -> Embedding -> Dropout -> LSTM -> Dropout -> Dense(vocab, softmax), sparse cross-entropy.

    objective "every_position" predicts the next character at every step (return_sequences=True);
    "last_character" predicts only the one after the window, as the original notebook did.
    """
    inputs = keras.Input(shape=(None,), dtype="int32", name="characters")
    embedded = keras.layers.Embedding(vocabulary_size, embedding_size, name="embedding")(inputs)
    embedded = keras.layers.Dropout(input_dropout, name="input_dropout")(embedded)
    # Default activations, recurrent_dropout=0, unroll=False and use_bias=True keep the cuDNN kernel on a GPU.
    hidden = keras.layers.LSTM(lstm_units, return_sequences=objective == "every_position", name="lstm")(embedded)
    hidden = keras.layers.Dropout(dropout, name="dropout")(hidden)
    outputs = keras.layers.Dense(vocabulary_size, activation="softmax", name="next_character")(hidden)
    model = keras.Model(inputs, outputs, name=f"char_lstm_{objective}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy")
    return model
