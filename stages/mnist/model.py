"""The dense autoencoder both MNIST projects train: the plain one on clean digits, the denoiser on noisy ones."""
import keras

from stages.mnist import PIXELS


def autoencoder(latent_size, learning_rate, encoder_activation):
    """Input(784) -> Dense(latent, encoder_activation) -> Dense(784, sigmoid), trained with binary cross-entropy."""
    inputs = keras.Input(shape=(PIXELS,), name="image")
    code = keras.layers.Dense(latent_size, activation=encoder_activation, name="encoder")(inputs)
    outputs = keras.layers.Dense(PIXELS, activation="sigmoid", name="decoder")(code)
    model = keras.Model(inputs, outputs, name=f"autoencoder_{latent_size}")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy")
    return model
