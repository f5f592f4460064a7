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
