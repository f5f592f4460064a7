"""The predict commands of the autoencoder, denoiser and text projects, and sentiment's stdin: results on
tiny models, and every bad input as one line and exit status 2."""
import importlib
import io
import json
import logging
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from PIL import Image, ImageDraw

from stages.cli import StageError
from stages.denoiser import MODEL as DENOISER
from stages.mnist import autoencoder_model
from stages.mnist.images import read_digits
from stages.mnist.model import autoencoder
from stages.outputs import save_model, write_json
from stages.sentiment import MODEL as SENTIMENT_MODEL
from stages.sentiment import MODEL_VOCABULARY
from stages.sentiment.encoding import save_vocabulary
from stages.sentiment.model import sentiment_lstm
from stages.text import CORPUS_SUMMARY, VOCABULARY
from stages.text import MODEL as TEXT_MODEL
from stages.text.corpus import build_vocabulary, save_vocabulary as save_characters
from stages.text.model import char_lstm

from conftest import ROOT

DIGIT_COMMANDS = [["stages.autoencoder.predict", "--latent-size", "8"], ["stages.denoiser.predict"]]


def command(module, *arguments, cwd):
    """Run `python -m module arguments` in `cwd`."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.run(
        [sys.executable, "-m", module, *arguments], cwd=cwd, env=environment, capture_output=True
    )


def assert_one_line_error(result, message):
    stderr = result.stderr.decode("utf-8")
    assert result.returncode == 2, stderr
    assert stderr.startswith("error: ") and stderr.count("\n") == 1 and message in stderr, stderr


def in_process(module, directory, monkeypatch, *arguments):
    """Run a command's main() in-process in `directory` (quicker than a new Python process)."""
    monkeypatch.chdir(directory)
    monkeypatch.setattr(sys, "argv", [module, *arguments])
    importlib.import_module(module).main()


def error_of(module, directory, monkeypatch, *arguments):
    """The one-line StageError message of a command's main() on bad input; stages.cli.run prints it."""
    with pytest.raises(StageError) as raised:
        in_process(module, directory, monkeypatch, *arguments)
    assert "\n" not in str(raised.value)
    return str(raised.value)


def draw_seven(path, size=(150, 200), ink="navy", paper="white", mode="RGB"):
    """A thick hand-drawn '7', dark on light paper, larger than 28x28."""
    image = Image.new(mode, size, paper)
    ImageDraw.Draw(image).line([(30, 35), (120, 35), (65, 175)], fill=ink, width=18, joint="curve")
    image.save(path)
    return path


def test_a_drawn_digit_becomes_an_mnist_digit(tmp_path):
    [(name, digit)] = read_digits(draw_seven(tmp_path / "seven.png"))
    field = digit.reshape(28, 28)
    assert name == "seven" and digit.dtype == np.float32 and field.max() == pytest.approx(1.0)
    # Bright on black, in a 20x20 box, centre of mass at the centre, like MNIST's digits.
    assert (field == 0).mean() > 0.6
    rows, columns = np.nonzero(field > 0.05)
    assert rows.max() - rows.min() < 21 and columns.max() - columns.min() < 21
    mass_rows, mass_columns = np.indices(field.shape)
    centre = np.array([(mass_rows * field).sum(), (mass_columns * field).sum()]) / field.sum()
    assert np.abs(centre - 14).max() <= 1
    # Grey JPEG and transparent PNG of the same drawing give the same digit, near enough.
    Image.open(tmp_path / "seven.png").convert("L").save(tmp_path / "grey.jpg", quality=90)
    draw_seven(tmp_path / "clear.png", ink=(0, 0, 80, 255), paper=(0, 0, 0, 0), mode="RGBA")
    for other in ("grey.jpg", "clear.png"):
        assert np.abs(read_digits(tmp_path / other)[0][1] - digit).mean() < 0.02


def test_a_28x28_image_and_arrays_are_taken_as_they_are(tmp_path):
    digits = (np.random.default_rng(0).random((3, 28, 28)) * 0.4).astype(np.float32)  # dark, like a noisy digit
    Image.fromarray((digits[0] * 255).round().astype(np.uint8)).save(tmp_path / "small.png")
    [(_, digit)] = read_digits(tmp_path / "small.png")
    assert np.abs(digit - digits[0].ravel()).max() <= 0.5 / 255 + 1e-6
    np.save(tmp_path / "many.npy", digits)
    np.save(tmp_path / "one.npy", (digits[1] * 255).astype(np.uint8).ravel())
    assert [name for name, _ in read_digits(tmp_path / "many.npy")] == ["many_0", "many_1", "many_2"]
    assert read_digits(tmp_path / "one.npy")[0][0] == "one"


@pytest.fixture
def digit_models(tmp_path):
    keras.utils.set_random_seed(0)
    save_model(autoencoder(8, 0.001, "linear"), tmp_path / autoencoder_model(8))
    save_model(autoencoder(8, 0.001, "linear"), tmp_path / DENOISER)
    return tmp_path


@pytest.mark.parametrize(
    "module, label", [("stages.autoencoder.predict", "latent_8"), ("stages.denoiser.predict", "denoised")]
)
def test_digit_predict_writes_the_result_and_a_side_by_side_picture(digit_models, monkeypatch, capsys, module, label):
    directory = digit_models
    draw_seven(directory / "seven.png")
    np.save(directory / "digits.npy", np.random.default_rng(0).random((2, 784)).astype(np.float32))
    arguments = ["--latent-size", "8"] if "autoencoder" in module else []
    in_process(module, directory, monkeypatch, "seven.png", "digits.npy", *arguments, "--output-dir", "out")
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["seven", "digits_0", "digits_1"]
    for name in ("seven", "digits_0", "digits_1"):
        assert Image.open(directory / f"out/{name}.{label}.png").size == (28, 28)
        assert Image.open(directory / f"out/{name}.{label}.side_by_side.png").size == (2 * 224 + 8, 224)


@pytest.mark.parametrize("arguments", DIGIT_COMMANDS)
def test_digit_predict_rejects_bad_input_in_one_line(tmp_path, monkeypatch, arguments):
    (tmp_path / "notes.png").write_text("not a picture")
    Image.new("RGB", (40, 40), "white").save(tmp_path / "blank.png")
    Image.new("RGB", (40, 40), "white").save(tmp_path / "drawing.gif")
    np.save(tmp_path / "wrong.npy", np.zeros((3, 5), dtype=np.float32))
    np.save(tmp_path / "bright.npy", np.full(784, 2.0, dtype=np.float32))
    draw_seven(tmp_path / "seven.png")
    module, *options = arguments
    for inputs, message in [
        (["absent.png"], "absent.png: no such file"),
        (["notes.png"], "notes.png: not a readable PNG or JPEG image"),
        (["drawing.gif"], "drawing.gif: a GIF image; expected PNG or JPEG"),
        (["blank.png"], "blank.png: blank image, no digit found"),
        (["wrong.npy"], "wrong.npy: array of shape (3, 5); expected (784,), (28, 28), (N, 784) or (N, 28, 28)"),
        (["bright.npy"], "bright.npy: values outside [0, 1]"),
        (["seven.png", "seven.png"], "seven: two inputs would write the same pictures"),
        (["seven.png"], "missing model (run dvc repro first)"),
    ]:
        assert message in error_of(module, tmp_path, monkeypatch, *inputs, *options)
    # As the user sees it: one line on stderr, exit status 2.
    assert_one_line_error(command(module, "absent.png", *options, cwd=tmp_path), "absent.png: no such file")


@pytest.fixture
def text_model(tmp_path):
    vocabulary = build_vocabulary("The little prince looked at the stars.", min_count=1)
    save_characters(tmp_path / VOCABULARY, vocabulary, "0" * 64, 1)
    write_json(tmp_path / CORPUS_SUMMARY, {"lowercase": False, "seq_len": 10})
    keras.utils.set_random_seed(0)
    save_model(char_lstm(len(vocabulary), 4, 8, 0.0, 0.0, 0.01, "every_position"), tmp_path / TEXT_MODEL)
    return tmp_path


def test_text_predict_continues_the_prompt_and_warns_of_unknown_characters(text_model, monkeypatch, capsys, caplog):
    arguments = ["The prince~", "--length", "25", "--temperature", "0.8", "--seed", "3"]
    with caplog.at_level(logging.WARNING):
        in_process("stages.text.predict", text_model, monkeypatch, *arguments)
    first = capsys.readouterr().out
    assert first.startswith("The prince~") and len(first) == len("The prince~") + 25 + 1
    assert "prompt: ['~'] not in the vocabulary; fed to the model as the OOV symbol" in caplog.text
    in_process("stages.text.predict", text_model, monkeypatch, *arguments)
    assert capsys.readouterr().out == first  # the same seed, the same text


def test_text_predict_rejects_bad_input_in_one_line(text_model, monkeypatch):
    for arguments, message in [
        (["  \n"], "empty prompt"),
        (["The fox", "--temperature", "0"], "--temperature: expected a number > 0, got 0.0"),
        (["The fox", "--temperature", "-1"], "--temperature: expected a number > 0, got -1.0"),
        (["The fox", "--length", "0"], "--length: expected a positive number of characters, got 0"),
    ]:
        assert message in error_of("stages.text.predict", text_model, monkeypatch, *arguments)
    (text_model / TEXT_MODEL).unlink()
    assert error_of("stages.text.predict", text_model, monkeypatch, "The fox") == (
        "data/models/text.keras: missing model (run dvc repro first)"
    )
    (text_model / VOCABULARY).unlink()
    assert error_of("stages.text.predict", text_model, monkeypatch, "The fox") == (
        "data/processed/text/vocabulary.json: missing (run dvc repro to build it)"
    )
    assert_one_line_error(command("stages.text.predict", "", cwd=text_model), "empty prompt")


def test_sentiment_predict_reads_reviews_from_stdin(tmp_path, monkeypatch, capsys):
    save_vocabulary(tmp_path / MODEL_VOCABULARY, {"great": 2, "awful": 3}, maxlen=10, truncating="pre")
    save_model(sentiment_lstm(4, 4, 4, 0.0, 0.01), tmp_path / SENTIMENT_MODEL)
    (tmp_path / "params.yaml").write_text("sentiment:\n  evaluate:\n    threshold: 0.5\n")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"Great film!\n\nAwful, a waste.\n")))
    in_process("stages.sentiment.predict", tmp_path, monkeypatch, "-")
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["line 1", "line 3"] and "label=" in lines[0]


def test_sentiment_predict_rejects_bad_stdin_in_one_line(tmp_path, monkeypatch):
    for stdin, arguments, message in [
        (b"a fine film\nun caf\xe9\n", ["-"], "stdin: line 2: byte 0xe9 at offset 18 is not UTF-8"),
        (b"\n \n", ["--file", "-"], "stdin: empty"),
    ]:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
        assert message in error_of("stages.sentiment.predict", tmp_path, monkeypatch, *arguments)
