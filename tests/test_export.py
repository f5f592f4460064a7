"""Serving exports: TF Serving's layout, and reloaded SavedModels that agree with the Keras models, the
sentiment's on raw review strings, tokenized in the graph as preprocessing tokenized them."""
import importlib
import json
import shutil
import sys

import keras
import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

from stages.denoiser import MODEL as DENOISER
from stages.mnist import autoencoder_model
from stages.mnist.model import autoencoder
from stages.outputs import save_model
from stages.sentiment import MODEL as SENTIMENT_MODEL
from stages.sentiment import MODEL_VOCABULARY
from stages.sentiment.encoding import build_vocabulary, encode, save_vocabulary
from stages.sentiment.model import sentiment_lstm
from stages.text import MODEL as TEXT_MODEL
from stages.text import VOCABULARY as TEXT_VOCABULARY
from stages.text.corpus import build_vocabulary as build_characters
from stages.text.corpus import save_vocabulary as save_characters
from stages.text.model import char_lstm

TOLERANCE = 1e-5

# Review material with what tokenization must agree on: case, markup, punctuation, apostrophes,
# Unicode letters, digits, marks and spaces, Greek final sigmas, and NUL (where ICU's lowercasing stops).
WORDS = [
    "the", "Film", "PLOT", "was", "great", "awful", "don't", "it’s", "'quoted'", "under_score", "co-star", "café",
    "cafe\u0301", "naïve", "Björk", "ÆRØ", "Straße", "ΟΔΟΣ", "Σίσυφος", "ΣΑΣ", "İstanbul", "DŽungla", "Москва",
    "日本語", "한국어", "עברית", "العربية", "ﬁlm", "½", "x²", "١٢٣", "Ⅻ", "😀", "1950s",
]
SEPARATORS = [
    " ", " ", " ", "", "\t", "\n", "\xa0", "\u2003", "\u3000", "\x1c", "\x85", "\x00", "<br />", "<BR>", "<br/>",
    "<br\u3000/>", "<br\x00/>", "<i>", "</i>", "&amp;", "...", "--", "!?", "(", ")", '"', "_", "/", "@", "#", "$",
    "%", "’", "'",
]


def synthetic_reviews(count, seed=0):
    rng = np.random.default_rng(seed)
    reviews = []
    for length in rng.integers(0, 120, size=count):
        words, separators = rng.integers(len(WORDS), size=length), rng.integers(len(SEPARATORS), size=length)
        reviews.append("".join(WORDS[w] + SEPARATORS[s] for w, s in zip(words, separators)))
    return reviews


@pytest.fixture(scope="module")
def reviews():
    return synthetic_reviews(1200)


def run_stage(module, directory, monkeypatch, *arguments, version=3):
    """Run `python -m module arguments` in-process in `directory`, with export.version in its params.yaml."""
    (directory / "params.yaml").write_text(f"export:\n  version: {version}\n")
    monkeypatch.chdir(directory)
    monkeypatch.setattr(sys, "argv", [module, *arguments])
    importlib.import_module(module).main()


def serve(directory, batch, input_name):
    loaded = tf.saved_model.load(str(directory))
    return loaded.signatures["serve"](**{input_name: tf.constant(batch)})["output_0"].numpy()


def test_sentiment_export_takes_raw_reviews_and_matches_the_keras_model(tmp_path, monkeypatch, reviews):
    word_index = build_vocabulary(pd.DataFrame({"split": "train", "text": reviews}), num_words=300)
    save_vocabulary(tmp_path / MODEL_VOCABULARY, word_index, maxlen=40, truncating="pre")
    keras.utils.set_random_seed(0)
    model = sentiment_lstm(300, 8, 8, 0.0, 0.01)
    save_model(model, tmp_path / SENTIMENT_MODEL)
    run_stage("stages.sentiment.export", tmp_path, monkeypatch)

    export = tmp_path / "data/export/sentiment"
    assert sorted(path.name for path in export.iterdir()) == ["3"] and (export / "3/saved_model.pb").is_file()
    batch = reviews[:200]
    ids = encode(batch, word_index, 40, "pre")
    expected = model.predict(ids, verbose=0)
    assert np.abs(serve(export / "3", batch, "reviews") - expected).max() <= TOLERANCE
    loaded = tf.saved_model.load(str(export / "3"))
    np.testing.assert_array_equal(loaded.signatures["word_ids"](reviews=tf.constant(batch))["output_0"].numpy(), ids)
    # Each weight stored once (keras-team/keras#23553 stores tracked models' weights twice).
    shapes = tf.train.load_checkpoint(str(export / "3/variables/variables")).get_variable_to_shape_map()
    assert sum(int(np.prod(shape)) for name, shape in shapes.items() if "VARIABLE_VALUE" in name) == model.count_params()


def test_text_export_matches_the_keras_model_and_ships_its_vocabulary(tmp_path, monkeypatch):
    vocabulary = build_characters("The little prince looked at the stars.", min_count=1)
    save_characters(tmp_path / TEXT_VOCABULARY, vocabulary, "0" * 64, 1)
    keras.utils.set_random_seed(0)
    model = char_lstm(len(vocabulary), 4, 8, 0.0, 0.0, 0.01, "every_position")
    save_model(model, tmp_path / TEXT_MODEL)
    run_stage("stages.text.export", tmp_path, monkeypatch)

    version = tmp_path / "data/export/text/3"
    batch = np.random.default_rng(0).integers(0, len(vocabulary), size=(5, 30)).astype(np.int32)
    assert np.abs(serve(version, batch, "characters") - model.predict(batch, verbose=0)).max() <= TOLERANCE
    assert json.loads((version / "assets.extra/vocabulary.json").read_text(encoding="utf-8"))["chars"] == vocabulary


def test_mnist_exports_match_the_keras_models(tmp_path, monkeypatch):
    keras.utils.set_random_seed(0)
    save_model(autoencoder(8, 0.001, "linear"), tmp_path / autoencoder_model(8))
    save_model(autoencoder(8, 0.001, "linear"), tmp_path / DENOISER)
    run_stage("stages.autoencoder.export", tmp_path, monkeypatch, "--latent-size", "8")
    run_stage("stages.denoiser.export", tmp_path, monkeypatch)

    digits = np.random.default_rng(0).random((64, 784), dtype=np.float32)
    for model, export in [(autoencoder_model(8), "autoencoder_latent_8"), (DENOISER, "denoiser")]:
        expected = keras.models.load_model(tmp_path / model).predict(digits, verbose=0)
        assert np.abs(serve(tmp_path / "data/export" / export / "3", digits, "image") - expected).max() <= TOLERANCE


def test_export_stage_is_cached_and_reruns_on_a_new_version_only(repo):
    save_model(autoencoder(8, 0.001, "linear"), repo.path / DENOISER)
    # -s: the export alone, from the model put in place above.
    assert repo.repro("-s", "export_denoiser") == {"export_denoiser"}
    export = repo.path / "data/export/denoiser"
    assert sorted(path.name for path in export.iterdir()) == ["1"] and (export / "1/saved_model.pb").is_file()
    assert repo.repro("-s", "export_denoiser") == set()
    # The same weights give the same bytes, so a forced re-export changes no hash in dvc.lock.
    lock = (repo.path / "dvc.lock").read_text()
    assert repo.repro("-f", "-s", "export_denoiser") == {"export_denoiser"}
    assert (repo.path / "dvc.lock").read_text() == lock

    repo.set_params({"export.version": 2})
    assert repo.repro("-s", "export_denoiser") == {"export_denoiser"}
    assert sorted(path.name for path in export.iterdir()) == ["2"]
    # Cached: a deleted export comes back from the DVC cache.
    saved = (export / "2/saved_model.pb").read_bytes()
    shutil.rmtree(export)
    repo.dvc("checkout", "export_denoiser")
    assert (export / "2/saved_model.pb").read_bytes() == saved
