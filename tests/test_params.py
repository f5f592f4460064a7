"""params.yaml validation: one clear line naming the key and what was expected; its layout survives `dvc exp run -S`."""
import difflib
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
    probe = {"train_samples": 100, "inverse_regularisations": [0.1, 1.0], "max_iter": 100, "tolerance": 0.001, "seed": 0}
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
    data["autoencoder"]["probe"]["inverse_regularisations"] = [1.0, 1.0]
    with pytest.raises(StageError, match=r"autoencoder\.probe\.inverse_regularisations: Value error, values must be distinct"):
        params.load("autoencoder", Baseline, write(tmp_path, data))
    data["autoencoder"]["probe"]["inverse_regularisations"] = [1.0]
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


def leaves(node, path=()):
    """(dotted key, value) of every scalar or list in a params tree."""
    if not isinstance(node, dict):
        return [(".".join(path), node)]
    return [leaf for key, value in node.items() for leaf in leaves(value, (*path, key))]


def another(value):
    """A value of the same type that differs, as a `-S key=value` override writes it."""
    if isinstance(value, list):
        return "[" + ",".join([*map(str, value[:-1]), another(value[-1])]) + "]"
    if isinstance(value, bool):
        return str(not value).lower()
    if isinstance(value, (int, float)):
        return str(value + 1)
    return "changed"


@pytest.mark.parametrize("key, value", leaves(yaml.safe_load(ROOT_PARAMS.read_text())))
def test_setting_a_value_as_dvc_exp_run_does_rewrites_only_its_own_lines(tmp_path, key, value):
    """`dvc exp run -S key=value` goes through dvc.utils.hydra.apply_overrides, which writes the whole file back
    with ruamel: params.yaml is kept in the layout that writer gives back unchanged."""
    from dvc.utils.hydra import apply_overrides

    copy = tmp_path / "params.yaml"
    copy.write_text(ROOT_PARAMS.read_text())
    apply_overrides(str(copy), [f"{key}={another(value)}"])
    before, after = ROOT_PARAMS.read_text().splitlines(), copy.read_text().splitlines()
    changes = [op for op in difflib.SequenceMatcher(None, before, after).get_opcodes() if op[0] != "equal"]
    assert len(changes) == 1 and changes[0][0] == "replace", [(before[i1:i2], after[j1:j2]) for _, i1, i2, j1, j2 in changes]
    _, i1, i2, j1, j2 = changes[0]
    # The key's line (a list: its last item's), or a long string's first line and those it wrapped onto.
    first = before[i1].strip()
    assert j2 - j1 == 1 and first.startswith((key.rsplit(".", 1)[-1] + ":", "- ")), (before[i1:i2], after[j1:j2])
    indent = len(before[i1]) - len(before[i1].lstrip())
    assert all(len(line) - len(line.lstrip()) > indent for line in before[i1 + 1 : i2]), before[i1:i2]
