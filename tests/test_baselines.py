"""The MNIST baselines' logic: the linear probe's subset and read-out, and each filter's parameter choice."""
import numpy as np
import pytest

from stages import metrics
from stages.cli import StageError
from stages.denoiser import baseline
from stages.mnist import probe

SETTINGS = probe.Probe(train_samples=50, inverse_regularisations=[1.0], max_iter=200, tolerance=1e-4, seed=3)


def labelled_features(separation, seed=0):
    """(train, validation, test) features of 200 samples each, the one-hot label `separation` noise stds
    apart from unit noise, at a scale of 1000 (standardisation makes the scale irrelevant); and their labels."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, 600)
    noise = rng.normal(size=(600, 10))
    features = 1000 * (noise + separation * np.eye(10)[labels])
    thirds = [slice(0, 200), slice(200, 400), slice(400, 600)]
    return [features[part] for part in thirds], [labels[part] for part in thirds]


def test_the_probe_subset_is_seeded_sorted_and_capped_at_the_training_digits():
    labels = np.arange(200) % 10
    first, again = probe.training_subset(labels, SETTINGS), probe.training_subset(labels, SETTINGS)
    assert len(first) == 50 and len(set(first.tolist())) == 50 and (np.diff(first) > 0).all()
    assert (first == again).all()
    assert not (first == probe.training_subset(labels, SETTINGS.model_copy(update={"seed": 4}))).all()
    assert len(probe.training_subset(labels[:30], SETTINGS)) == 30


def test_the_probe_reads_a_label_out_of_informative_features_and_not_out_of_noise():
    features, labels = labelled_features(4)
    good = probe.scores(features, labels, SETTINGS)
    chance = probe.scores(labelled_features(0)[0], labels, SETTINGS)
    assert good["probe_accuracy"] > 0.9 and good["probe_val_accuracy"] > 0.9
    assert chance["probe_accuracy"] < 0.25


def test_the_probe_keeps_the_c_most_accurate_on_validation_and_scores_the_test_digits_with_it():
    features, labels = labelled_features(4)
    # C 1e-6 leaves little but the intercepts: about the majority class, far below C 1's read-out.
    for grid in ([1e-6, 1.0], [1.0, 1e-6]):
        chosen = probe.scores(features, labels, SETTINGS.model_copy(update={"inverse_regularisations": grid}))
        model = probe.fit(features[0], labels[0], 1.0, SETTINGS)
        assert chosen == {
            "probe_c": 1.0,
            "probe_val_accuracy": model.score(features[1], labels[1]),
            "probe_accuracy": model.score(features[2], labels[2]),
        }


def test_validation_ties_go_to_the_first_c():
    # 12 noise stds apart, every C above the smallest reads every validation digit right.
    features, labels = labelled_features(12)
    chosen = probe.scores(features, labels, SETTINGS.model_copy(update={"inverse_regularisations": [1e-6, 2.0, 1.0]}))
    assert chosen["probe_c"] == 2.0 and chosen["probe_val_accuracy"] == 1.0


def test_a_fit_that_stops_short_of_the_tolerance_stops_the_stage():
    features, labels = labelled_features(4)
    with pytest.raises(StageError, match=r"autoencoder\.probe: at C 1 on 10 features, lbfgs failed to converge after 1 "):
        probe.scores(features, labels, SETTINGS.model_copy(update={"max_iter": 1}))


def test_choose_keeps_the_value_with_the_best_validation_psnr():
    rng = np.random.default_rng(1)
    clean = np.zeros((20, 784), dtype=np.float32)
    clean[:, 300:500] = 1.0
    noisy = np.clip(clean + rng.normal(0, 0.3, clean.shape).astype(np.float32), 0, 1)
    value, tried = baseline.choose(baseline.gaussian, [0.01, 1.0, 8.0], noisy, clean)
    assert list(tried) == [0.01, 1.0, 8.0]
    assert value == 1.0 and tried[1.0] == max(tried.values())
    assert tried[1.0] > metrics.psnr(clean, noisy)


def test_ties_go_to_the_first_value():
    clean = np.zeros((2, 784), dtype=np.float32)
    value, tried = baseline.choose(baseline.median, [3, 5], clean.copy(), clean)
    assert value == 3 and tried[3] == tried[5]


@pytest.mark.parametrize("name", list(baseline.FILTERS))
def test_every_filter_keeps_flat_digits_in_range_and_removes_some_noise(name):
    rng = np.random.default_rng(2)
    clean = np.zeros((4, 28, 28), dtype=np.float32)
    clean[:, 8:20, 12:16] = 1.0
    clean = clean.reshape(4, 784)
    noisy = np.clip(clean + rng.normal(0, 0.4, clean.shape).astype(np.float32), 0, 1)
    parameter, make_filter = baseline.FILTERS[name]
    value = {"size": 3, "sigma": 0.75, "weight": 0.2, "h": 0.4}[parameter]
    if name == "wavelet":
        value = 0.3
    denoised = baseline.denoise(make_filter, value, noisy)
    assert denoised.shape == noisy.shape and denoised.dtype == np.float32
    assert denoised.min() >= 0 and denoised.max() <= 1
    assert metrics.psnr(clean, denoised) > metrics.psnr(clean, noisy) + 1
