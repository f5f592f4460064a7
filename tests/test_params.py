"""params.yaml validation: one clear line naming the key and what was expected."""
from pathlib import Path

import pytest
import yaml

from stages import params
from stages.autoencoder.baseline import Baseline
from stages.autoencoder.evaluate import Autoencoder
from stages.cli import StageError
from stages.denoiser.baseline import Filters, RobustnessStds

ROOT_PARAMS = Path(__file__).resolve().parents[1] / "params.yaml"


def write(tmp_path, data):
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def autoencoder(**changes):
    train = {"epochs": 5, "batch_size": 32, "learning_rate": 0.001, "learning_rate_schedule": "constant", "patience": 2, "seed": 1}
    probe = {"train_samples": 100, "inverse_regularisation": 1.0, "max_iter": 100, "tolerance": 0.001, "seed": 0}
    section = {"latent_sizes": [4, 8], "model": {"encoder_activation": "linear"}, "train": train, "probe": probe}
    for key, value in changes.items():
        (train if key in train else section)[key] = value
    return {"autoencoder": section}


def test_the_committed_params_file_is_valid():
    config = params.load("autoencoder", Autoencoder, ROOT_PARAMS)
    assert config.latent_sizes == [16, 32, 64]
    assert params.load("download.mnist", params.Source, ROOT_PARAMS).sources[0] == "mirror"
    assert params.load("autoencoder", Baseline, ROOT_PARAMS).probe.train_samples == 20000
    assert params.load("denoiser_baseline", Filters, ROOT_PARAMS).median_size == [3, 5]
    assert params.load("denoiser", RobustnessStds, ROOT_PARAMS).robustness_stds[-1] == 1.0


def test_the_baselines_read_only_their_own_keys_and_name_a_bad_one(tmp_path):
    data = autoencoder()
    del data["autoencoder"]["train"]  # the trainers' keys: the PCA stage does not read them
    assert params.load("autoencoder", Baseline, write(tmp_path, data)).latent_sizes == [4, 8]
    data["autoencoder"]["probe"]["train_samples"] = "many"
    with pytest.raises(StageError, match=r"autoencoder\.probe\.train_samples: Input should be a valid integer"):
        params.load("autoencoder", Baseline, write(tmp_path, data))
    filters = {"validation_samples": 10, "median_size": [3], "gaussian_sigma": [1.0], "total_variation_weight": [0.1],
               "wavelet_sigma": [0.2], "nl_means_h": [0.0]}
    with pytest.raises(StageError, match=r"denoiser_baseline\.nl_means_h\.0: Input should be greater than 0"):
        params.load("denoiser_baseline", Filters, write(tmp_path, {"denoiser_baseline": filters}))


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"latent_sizes": [0, 8]}, r"autoencoder\.latent_sizes\.0: Input should be greater than 0 \(got 0\)"),
        ({"epochs": -1}, r"autoencoder\.train\.epochs: Input should be greater than 0"),
        ({"learning_rate": "fast"}, r"autoencoder\.train\.learning_rate: Input should be a valid number"),
        ({"batch_size": "32"}, r"autoencoder\.train\.batch_size: Input should be a valid integer"),
        ({"latent_sizes": [8, 8]}, r"autoencoder\.latent_sizes: Value error, values must be distinct"),
        ({"epoch": 3}, r"autoencoder\.epoch: Extra inputs are not permitted"),
        ({"model": {"encoder_activation": "tanh"}}, r"autoencoder\.model\.encoder_activation: Input should be 'linear' or 'relu'"),
        ({"learning_rate_schedule": "step"}, r"autoencoder\.train\.learning_rate_schedule: Input should be 'constant' or 'cosine'"),
    ],
)
def test_bad_values_name_the_key(tmp_path, changes, expected):
    path = write(tmp_path, autoencoder(**changes))
    with pytest.raises(StageError, match=expected) as error:
        params.load("autoencoder", Autoencoder, path)
    assert "\n" not in str(error.value)


def test_missing_key(tmp_path):
    data = autoencoder()
    del data["autoencoder"]["train"]["patience"]
    with pytest.raises(StageError, match=r"autoencoder\.train\.patience: Field required"):
        params.load("autoencoder", Autoencoder, write(tmp_path, data))


def test_missing_section(tmp_path):
    with pytest.raises(StageError, match=r"missing key 'download\.mnist'"):
        params.load("download.mnist", params.Source, write(tmp_path, autoencoder()))


def test_unknown_source_kind(tmp_path):
    data = {"download": {"mnist": {"sources": ["mirror", "torrent"], "url": None, "sha256": None}}}
    with pytest.raises(StageError, match=r"download\.mnist\.sources\.1: Input should be 'mirror', 'url' or 'fallback'"):
        params.load("download.mnist", params.Source, write(tmp_path, data))


def test_malformed_sha256(tmp_path):
    data = {"download": {"mnist": {"sources": ["url"], "url": "http://x", "sha256": "abc"}}}
    with pytest.raises(StageError, match=r"download\.mnist\.sha256: String should match pattern"):
        params.load("download.mnist", params.Source, write(tmp_path, data))
