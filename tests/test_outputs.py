"""Model files: the same model saved twice gives the same bytes, and the file loads back."""
import json
import time
import zipfile

import keras
import numpy as np

from stages.outputs import save_model


def trained_model():
    """A small functional model with a layer applied twice (Keras names shared objects in config.json)."""
    keras.backend.clear_session()  # layer names restart, as in a fresh process
    keras.utils.set_random_seed(0)
    inputs = keras.Input((4,))
    shared = keras.layers.Dense(4)
    model = keras.Model(inputs, keras.layers.Dense(3)(shared(shared(inputs))))
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.ones((8, 4)), np.zeros((8, 3)), epochs=1, verbose=0)
    return model


def test_two_saves_of_the_same_model_are_byte_identical_and_load(tmp_path):
    first, second = tmp_path / "first.keras", tmp_path / "second.keras"
    model = trained_model()
    save_model(model, first)
    time.sleep(2.1)  # zip timestamps have a 2-second resolution: a stamp of the save time would differ
    # Another instance of the same model: other memory addresses, which Keras writes as shared_object_id.
    save_model(trained_model(), second)

    assert first.read_bytes() == second.read_bytes()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["first.keras", "second.keras"]
    with zipfile.ZipFile(first) as archive:
        assert {entry.date_time for entry in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert '"shared_object_id": 1}' in archive.read("config.json").decode()
        assert json.loads(archive.read("metadata.json"))["date_saved"] == "1980-01-01@00:00:00"
    loaded = keras.models.load_model(first)
    probe = np.arange(8, dtype="float32").reshape(2, 4)
    np.testing.assert_array_equal(loaded.predict(probe, verbose=0), model.predict(probe, verbose=0))
    assert loaded.optimizer.iterations.numpy() == 1
