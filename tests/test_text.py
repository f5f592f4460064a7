"""Unit tests of the character-level corpus library: tiny made-up texts, no network, no TensorFlow."""

import json
import math

import numpy as np
import pytest

from stages.cli import StageError
from stages.text import evaluate, model, ngram, preprocess, sampling
from stages.text import corpus as text_corpus
from stages.text import dataset as text_dataset


# ---------------------------------------------------------------- cleaning


def test_clean_normalises_newlines_dashes_and_unicode():
    raw = "Line one\r\nLine two\rLine three \ufffd said he\r\nCafe\u0301\n"
    assert text_corpus.clean(raw) == "Line one\nLine two\nLine three \u2014 said he\nCaf\u00e9\n"


def test_clean_collapses_runs_of_blank_lines_to_one():
    raw = "Title\r\n\r\n\r\n\r\nI\n\n\n  \nOnce upon a time.\n\nNext paragraph.\n"
    assert text_corpus.clean(raw) == "Title\n\nI\n\nOnce upon a time.\n\nNext paragraph.\n"


def test_clean_lowercases_only_when_asked():
    assert text_corpus.clean("The Little PRINCE") == "The Little PRINCE"
    assert text_corpus.clean("The Little PRINCE", lowercase=True) == "the little prince"


def test_fallback_corpus_is_english_prose_without_code_lines():
    corpus = text_dataset.fallback_corpus(max_chars=5_000)
    assert 1_000 < len(corpus) <= 5_000
    assert corpus == text_corpus.clean(corpus)
    assert " the " in corpus
    assert not any(line.startswith(" ") for line in corpus.splitlines())


# ---------------------------------------------------------------- vocabulary


def test_vocabulary_is_sorted_with_oov_first_and_rare_chars_dropped():
    vocabulary = text_corpus.build_vocabulary("abracadabra!", min_count=2)
    assert vocabulary == [text_corpus.OOV, "a", "b", "r"]  # c, d and ! occur once


def test_vocabulary_round_trip_through_json(tmp_path):
    corpus = "the cat sat on the mat.\n"
    vocabulary = text_corpus.build_vocabulary(corpus, min_count=1)
    path = tmp_path / "vocab.json"
    text_corpus.save_vocabulary(path, vocabulary, text_corpus.sha256_text(corpus), min_count=1)

    loaded = text_corpus.load_vocabulary(path)
    assert loaded["chars"] == vocabulary
    assert loaded["corpus_sha256"] == text_corpus.sha256_text(corpus)
    ids = text_corpus.encode(corpus, loaded["chars"])
    assert ids.dtype == np.int32 and ids.min() > 0
    assert text_corpus.decode(ids, loaded["chars"]) == corpus
    assert [p.name for p in tmp_path.iterdir()] == ["vocab.json"]  # the atomic write left no temp file


def test_unknown_characters_map_to_oov():
    vocabulary = text_corpus.build_vocabulary("aab", min_count=1)
    assert text_corpus.encode("abz", vocabulary).tolist() == [1, 2, 0]
    assert text_corpus.decode(text_corpus.encode("abz", vocabulary), vocabulary) == "ab" + text_corpus.OOV
    assert text_corpus.unknown_characters("abzyz", vocabulary) == ["z", "y"]


def test_load_vocabulary_rejects_a_file_without_oov_first(tmp_path):
    path = tmp_path / "vocab.json"
    path.write_text(json.dumps({"oov": text_corpus.OOV, "chars": ["a", text_corpus.OOV]}))
    with pytest.raises(StageError, match="vocab.json"):
        text_corpus.load_vocabulary(path)
    with pytest.raises(StageError, match="missing"):
        text_corpus.load_vocabulary(tmp_path / "absent.json")


# ---------------------------------------------------------------- split and windows


def test_split_is_contiguous_with_the_last_fraction_held_out():
    assert text_corpus.split_index(100, 0.1) == 90
    assert text_corpus.split_index(7, 0.5) == 3
    with pytest.raises(ValueError, match="validation_fraction"):
        text_corpus.split_index(100, 1.0)


@pytest.mark.parametrize("objective", ["every_position", "last_character"])
def test_windows_stay_inside_their_split(objective):
    ids = np.arange(200)  # every position has its own id, so overlap is visible
    cut = text_corpus.split_index(len(ids), 0.25)
    train, validation = ids[:cut], ids[cut:]
    x_train, y_train = text_corpus.inputs_and_targets(text_corpus.cut_windows(train, seq_len=10, step=3), objective)
    x_val, y_val = text_corpus.inputs_and_targets(text_corpus.cut_windows(validation, seq_len=10, step=3), objective)
    seen_in_training = set(x_train.ravel().tolist()) | set(y_train.ravel().tolist())
    seen_in_validation = set(x_val.ravel().tolist()) | set(y_val.ravel().tolist())
    assert max(seen_in_training) < 150 <= min(seen_in_validation)
    assert x_train.shape == (len(range(0, 150 - 10, 3)), 10)
    assert x_train[1, 0] == 3  # one window every `step` characters


def test_every_position_targets_are_inputs_shifted_by_one():
    x, y = text_corpus.inputs_and_targets(text_corpus.cut_windows(np.arange(30), seq_len=5, step=4), "every_position")
    assert y.shape == x.shape
    np.testing.assert_array_equal(y, x + 1)


def test_last_character_target_follows_the_window():
    x, y = text_corpus.inputs_and_targets(text_corpus.cut_windows(np.arange(30), seq_len=5, step=4), "last_character")
    assert y.shape == (len(x),)
    np.testing.assert_array_equal(y, x[:, -1] + 1)


def test_bad_objective_and_short_text_are_errors():
    with pytest.raises(ValueError, match="objective"):
        text_corpus.inputs_and_targets(text_corpus.cut_windows(np.arange(30), 5, 1), "next_word")
    with pytest.raises(ValueError, match="too short"):
        text_corpus.cut_windows(np.arange(5), 5, 1)


def test_context_windows_give_each_position_its_preceding_characters():
    contexts, targets = text_corpus.context_windows(np.arange(10), start=6, context_len=4)
    assert targets.tolist() == [6, 7, 8, 9]
    assert contexts.tolist() == [[2, 3, 4, 5], [3, 4, 5, 6], [4, 5, 6, 7], [5, 6, 7, 8]]
    with pytest.raises(ValueError, match="context_len"):
        text_corpus.context_windows(np.arange(10), start=3, context_len=4)


# ---------------------------------------------------------------- n-gram baseline


def test_ngram_distributions_sum_to_one_even_for_unseen_contexts():
    corpus = "abcabcabdabcabc"
    vocabulary = text_corpus.build_vocabulary(corpus + "xyz", min_count=1)
    model = ngram.NgramModel(text_corpus.encode(corpus, vocabulary), order=3, vocabulary_size=len(vocabulary))
    for context in ["ab", "zz", "", "c"]:
        distribution = model.distribution(text_corpus.encode(context, vocabulary))
        assert distribution.sum() == pytest.approx(1.0)
        assert distribution.min() > 0  # smoothing leaves no zero


def test_ngram_learns_a_deterministic_pattern():
    corpus = "abc" * 50
    vocabulary = text_corpus.build_vocabulary(corpus + "d", min_count=1)
    ids = text_corpus.encode(corpus, vocabulary)
    model = ngram.NgramModel(ids[:120], order=3, vocabulary_size=len(vocabulary))
    a, b, c = (vocabulary.index(ch) for ch in "abc")
    assert model.probability([a, b], c) > 0.95
    assert model.probability([a, b], a) < 0.05
    # held-out loss on the same pattern is far below the uniform log(V)
    assert model.mean_nll(ids, start=120, context_len=4) < 0.1 < math.log(len(vocabulary))
    # a longer context beats a unigram on this text
    unigram = ngram.NgramModel(ids[:120], order=1, vocabulary_size=len(vocabulary))
    assert unigram.mean_nll(ids, start=120, context_len=4) > 1.0


# ---------------------------------------------------------------- sampling


FIXED = np.array([0.1, 0.5, 0.15, 0.25])


def test_temperature_near_zero_picks_the_argmax():
    rng = np.random.default_rng(0)
    assert {sampling.sample_index(FIXED, 1e-4, rng) for _ in range(200)} == {1}
    np.testing.assert_allclose(sampling.apply_temperature(FIXED, 1e-6), [0, 1, 0, 0])


def test_temperature_one_leaves_the_distribution_unchanged():
    np.testing.assert_allclose(sampling.apply_temperature(FIXED, 1.0), FIXED)


def entropy(probabilities):
    p = probabilities[probabilities > 0]
    return float(-(p * np.log(p)).sum())


def test_higher_temperature_raises_entropy():
    entropies = [entropy(sampling.apply_temperature(FIXED, t)) for t in (0.2, 0.5, 1.0, 1.5, 3.0)]
    assert entropies == sorted(entropies) and len(set(entropies)) == 5
    assert entropies[-1] < math.log(len(FIXED))


def test_sampling_is_seeded_and_follows_the_distribution():
    draws = [sampling.sample_index(FIXED, 1.0, np.random.default_rng(7)) for _ in range(3)]
    assert len(set(draws)) == 1
    rng = np.random.default_rng(0)
    counts = np.bincount([sampling.sample_index(FIXED, 1.0, rng) for _ in range(4000)], minlength=4)
    np.testing.assert_allclose(counts / 4000, FIXED, atol=0.03)


@pytest.mark.parametrize("temperature", [0.0, -0.5])
def test_non_positive_temperature_is_an_error(temperature):
    with pytest.raises(ValueError, match="temperature"):
        sampling.apply_temperature(FIXED, temperature)


# ---------------------------------------------------------------- sample metrics


def test_words_are_lowercased_letter_runs():
    assert sampling.words("Don't say 42 things, Sir!") == ["don't", "say", "things", "sir"]


def test_metrics_of_a_repetitive_text():
    metrics = sampling.sample_metrics("the cat the cat the cat", {"the", "cat"})
    # words: the cat the cat the cat -> 5 bigrams, 2 distinct; 4 trigrams, 2 distinct; 3 four-grams, 2 distinct
    assert metrics["distinct_2"] == pytest.approx(2 / 5)
    assert metrics["distinct_3"] == pytest.approx(2 / 4)
    assert metrics["repetition_rate_4"] == pytest.approx(1 / 3)
    assert metrics["known_word_share"] == 1.0


def test_metrics_of_a_varied_text_with_made_up_words():
    metrics = sampling.sample_metrics("one two three four fivx", {"one", "two", "three", "four", "five"})
    assert metrics["distinct_2"] == metrics["distinct_3"] == 1.0
    assert metrics["repetition_rate_4"] == 0.0
    assert metrics["known_word_share"] == pytest.approx(4 / 5)


def test_metrics_of_an_empty_sample_are_zero():
    assert sampling.sample_metrics("... !!", {"a"}) == {
        "distinct_2": 0.0, "distinct_3": 0.0, "repetition_rate_4": 0.0, "known_word_share": 0.0}


def test_generate_follows_predict_and_reports_the_sample_likelihood():
    # a "model" that always predicts id (last + 1) mod 3 with probability 0.9
    def predict(context):
        probabilities = np.full(3, 0.05)
        probabilities[(context[-1] + 1) % 3] = 0.9
        return probabilities

    ids, log_likelihood = sampling.generate(predict, [0], 6, 1e-3, np.random.default_rng(0), context_len=4)
    assert ids == [1, 2, 0, 1, 2, 0]
    assert log_likelihood == pytest.approx(math.log(0.9))
    seen = []
    sampling.generate(lambda context: seen.append(len(context)) or np.ones(3) / 3, [0, 1], 5, 1.0,
                      np.random.default_rng(0), context_len=4)
    assert seen == [2, 3, 4, 4, 4]  # the context grows from the seed, then slides


# ---------------------------------------------------------------- params


def test_generation_params_reject_a_non_positive_temperature(tmp_path):
    from stages import params

    path = tmp_path / "params.yaml"
    path.write_text(
        "text:\n  generate:\n    temperatures: [0.2, 0]\n    seed_text: Once\n    length: 10\n    seed: 1\n"
    )
    with pytest.raises(StageError, match=r"text\.generate\.temperatures\.1: Input should be greater than 0"):
        params.load("text.generate", sampling.Generation, path)


def test_generation_params_accept_the_defaults_and_reject_duplicates():
    config = sampling.Generation(temperatures=[0.2, 1.0, 1.5], seed_text="Once", length=400, seed=1)
    assert config.temperatures == [0.2, 1.0, 1.5]
    with pytest.raises(ValueError, match="distinct"):
        sampling.Generation(temperatures=[1.0, 1.0], seed_text="Once", length=400, seed=1)


def test_the_committed_text_params_are_valid():
    from pathlib import Path

    from stages import params

    path = Path(__file__).resolve().parents[1] / "params.yaml"
    assert params.load("text.corpus", preprocess.Corpus, path).validation_fraction == 0.1
    assert params.load("text.model", model.CharModel, path).objective == "every_position"
    assert params.load("text.train", params.Training, path).patience >= 1
    assert params.load("text.evaluate", evaluate.Evaluation, path).baseline_order == 5
    assert params.load("text.generate", sampling.Generation, path).temperatures == [0.2, 1.0, 1.5]
    assert params.load("download.text", params.Source, path).sources == ["mirror", "url", "fallback"]
