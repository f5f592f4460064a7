"""Model builders: shapes and layer sizes."""
import numpy as np

from stages.mnist.model import autoencoder
from stages.sentiment.model import sentiment_lstm
from stages.text.model import char_lstm
from stages.training import cosine_decay


def test_autoencoder_shapes():
    model = autoencoder(latent_size=12, learning_rate=0.001, encoder_activation="linear")
    assert model.input_shape == (None, 784)
    assert model.output_shape == (None, 784)
    assert model.get_layer("encoder").units == 12
    output = model.predict(np.zeros((3, 784), dtype=np.float32), verbose=0)
    assert output.shape == (3, 784) and np.all((output >= 0) & (output <= 1))
    assert model.loss == "binary_crossentropy"


def test_sentiment_lstm_masks_padding_and_drops_out_its_inputs_only():
    model = sentiment_lstm(num_words=50, embedding_dim=8, lstm_units=6, dropout=0.3, learning_rate=0.001)
    embedding, lstm = model.get_layer("embedding"), model.get_layer("lstm")
    assert (embedding.input_dim, embedding.output_dim, embedding.mask_zero) == (50, 8, True)
    # The dropout is on the LSTM's inputs: a recurrent dropout would rule out the cuDNN kernel.
    assert lstm.units == 6 and lstm.dropout == 0.3 and lstm.recurrent_dropout == 0
    assert model.output_shape == (None, 1) and model.loss == "binary_crossentropy"
    # Padding is masked: extra zeros at the end do not change the prediction.
    short = np.array([[5, 9, 3]], dtype=np.int32)
    padded = np.array([[5, 9, 3, 0, 0, 0, 0]], dtype=np.int32)
    assert np.allclose(model.predict(short, verbose=0), model.predict(padded, verbose=0), atol=1e-6)


def test_char_lstm_objectives_and_dropouts():
    every = char_lstm(20, embedding_size=4, lstm_units=6, input_dropout=0.2, dropout=0.3, learning_rate=0.003,
                             objective="every_position")
    lstm = every.get_layer("lstm")
    assert every.get_layer("input_dropout").rate == 0.2 and every.get_layer("dropout").rate == 0.3
    assert lstm.return_sequences and lstm.recurrent_dropout == 0
    assert every.loss == "sparse_categorical_crossentropy"
    windows = np.array([[1, 2, 3, 4, 5], [5, 4, 3, 2, 1]], dtype=np.int32)
    per_position = every.predict(windows, verbose=0)
    assert per_position.shape == (2, 5, 20) and np.allclose(per_position.sum(axis=-1), 1, atol=1e-5)
    last = char_lstm(20, 4, 6, 0.2, 0.3, 0.003, objective="last_character")
    assert not last.get_layer("lstm").return_sequences
    assert last.predict(windows, verbose=0).shape == (2, 20)


def test_cosine_decay_anneals_from_the_learning_rate_towards_zero():
    schedule = cosine_decay(0.01, epochs=10).schedule
    rates = [schedule(epoch) for epoch in range(10)]
    assert rates[0] == 0.01 and np.isclose(rates[5], 0.005)
    assert all(later < earlier for earlier, later in zip(rates, rates[1:]))
    assert 0 < rates[-1] < 0.0003


def test_the_encoder_activation_is_the_param_the_denoiser_shares():
    for activation in ("linear", "relu"):
        model = autoencoder(latent_size=4, learning_rate=0.001, encoder_activation=activation)
        assert model.get_layer("encoder").activation.__name__ == activation
