"""Model builders: shapes and layer sizes."""
import numpy as np

from stages import models


def test_autoencoder_shapes():
    model = models.autoencoder(latent_size=12, learning_rate=0.001)
    assert model.input_shape == (None, 784)
    assert model.output_shape == (None, 784)
    assert model.get_layer("encoder").units == 12
    output = model.predict(np.zeros((3, 784), dtype=np.float32), verbose=0)
    assert output.shape == (3, 784) and np.all((output >= 0) & (output <= 1))
    assert model.loss == "binary_crossentropy"
