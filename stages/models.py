"""Model builders: one small, readable Keras function per project."""
import keras


def autoencoder(latent_size, learning_rate, pixels=784):
    """Input(784) -> Dense(latent, relu) -> Dense(784, sigmoid), trained with binary cross-entropy."""
    inputs = keras.Input(shape=(pixels,), name="image")
    code = keras.layers.Dense(latent_size, activation="relu", name="encoder")(inputs)
    outputs = keras.layers.Dense(pixels, activation="sigmoid", name="decoder")(code)
    model = keras.Model(inputs, outputs, name=f"autoencoder_{latent_size}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy")
    return model


def char_lstm(vocabulary_size, embedding_size, lstm_units, dropout, learning_rate, objective):
    """Character ids -> Embedding -> LSTM -> Dropout -> Dense(vocab, softmax), sparse cross-entropy.

    objective "every_position" predicts the next character at every step (return_sequences=True);
    "last_character" predicts only the one after the window, as the seed did.
    """
    inputs = keras.Input(shape=(None,), dtype="int32", name="characters")
    embedded = keras.layers.Embedding(vocabulary_size, embedding_size, name="embedding")(inputs)
    # Default activations, recurrent_dropout=0, unroll=False and use_bias=True keep the cuDNN kernel on a GPU.
    hidden = keras.layers.LSTM(lstm_units, return_sequences=objective == "every_position", name="lstm")(embedded)
    hidden = keras.layers.Dropout(dropout, name="dropout")(hidden)
    outputs = keras.layers.Dense(vocabulary_size, activation="softmax", name="next_character")(hidden)
    model = keras.Model(inputs, outputs, name=f"char_lstm_{objective}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="sparse_categorical_crossentropy")
    return model


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
