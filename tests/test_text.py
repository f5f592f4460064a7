"""Unit tests of the character-level corpus library: tiny made-up texts, no network, no TensorFlow."""

import json
import math

import numpy as np
import pytest

from stages.cli import StageError
from stages.text import baseline, model, ngram, preprocess, sampling
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


def test_split_is_train_then_validation_then_test_with_the_training_part_of_the_summed_fraction():
    assert text_corpus.split_points(100, 0.05, 0.05) == (90, 95)
    # The training text is what both held-out parts leave together: the same as one 10% hold-out.
    assert text_corpus.split_points(91_391, 0.05, 0.05)[0] == 91_391 - round(91_391 * 0.1)
    with pytest.raises(ValueError, match="validation_fraction"):
        text_corpus.split_points(100, 1.0, 0.05)
    with pytest.raises(ValueError, match="test_fraction"):
        text_corpus.split_points(100, 0.05, 0.0)
    with pytest.raises(ValueError, match="< 1"):
        text_corpus.split_points(100, 0.6, 0.4)
    with pytest.raises(ValueError, match="too short"):
        text_corpus.split_points(10, 0.01, 0.2)  # a validation part of no character


@pytest.mark.parametrize("objective", ["every_position", "last_character"])
def test_windows_stay_inside_their_part(objective):
    ids = np.arange(200)  # every position has its own id, so overlap is visible
    validation_start, test_start = text_corpus.split_points(len(ids), 0.25, 0.25)
    assert (validation_start, test_start) == (100, 150)
    x_train, y_train = text_corpus.inputs_and_targets(
        text_corpus.cut_windows(ids[:validation_start], seq_len=10, step=3), objective
    )
    x_val, y_val = text_corpus.inputs_and_targets(
        text_corpus.cut_windows(ids[validation_start:test_start], seq_len=10, step=3), objective
    )
    seen_in_training = set(x_train.ravel().tolist()) | set(y_train.ravel().tolist())
    seen_in_validation = set(x_val.ravel().tolist()) | set(y_val.ravel().tolist())
    assert max(seen_in_training) < 100 <= min(seen_in_validation) <= max(seen_in_validation) < 150
    assert x_train.shape == (len(range(0, 100 - 10, 3)), 10)
    assert x_train[1, 0] == 3  # one window every `step` characters


def test_held_out_scores_one_part_and_never_reads_the_text_after_it():
    parts = {"train": np.arange(0, 50), "validation": np.arange(50, 60), "test": np.arange(60, 70)}
    contexts, targets = text_corpus.context_windows(*text_corpus.held_out(parts, "validation"), context_len=5)
    assert targets.tolist() == list(range(50, 60))
    assert contexts.max() < 60  # the test part is neither a target nor a context of validation scoring
    contexts, targets = text_corpus.context_windows(*text_corpus.held_out(parts, "test"), context_len=5)
    assert targets.tolist() == list(range(60, 70)) and contexts.min() == 55  # context reaches back, as input only


def test_preprocess_writes_no_test_windows(tmp_path, monkeypatch):
    from stages.text import preprocess as stage

    book = tmp_path / "book.txt"
    book.write_text("The little prince looked at the stars. " * 60, encoding="utf-8")
    params_file = tmp_path / "params.yaml"
    params_file.write_text(
        "text:\n  corpus: {lowercase: false, min_count: 1, validation_fraction: 0.1, test_fraction: 0.1,"
        " seq_len: 20, step: 5}\n"
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(stage, "BOOK", book)
    for name in ("CORPUS_SUMMARY", "IDS", "TEST_TEXT", "TRAIN_TEXT", "VALIDATION_TEXT", "VOCABULARY", "WINDOWS"):
        monkeypatch.setattr(stage, name, tmp_path / getattr(stage, name).name)
    monkeypatch.setattr("sys.argv", ["preprocess"])
    stage.main()
    ids, windows = np.load(tmp_path / "ids.npz"), np.load(tmp_path / "windows.npz")
    assert sorted(ids.files) == ["test", "train", "validation"] and sorted(windows.files) == ["train", "validation"]
    assert [len(ids[part]) for part in ("train", "validation", "test")] == [1872, 234, 234]
    assert (tmp_path / "test.txt").read_text(encoding="utf-8") == book.read_text(encoding="utf-8")[-234:]
    assert len(windows["validation"]) == len(range(0, 234 - 20, 5))


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


def test_ngram_variant_matches_a_model_counted_at_that_order():
    ids = text_corpus.encode("abracadabra, said the cat to the bat. " * 5, text_corpus.build_vocabulary("abrcd, sithebo.", 1))
    counted = ngram.NgramModel(ids[:150], order=5, vocabulary_size=20)
    for order, discount in ((2, 0.5), (4, 0.9), (5, 0.75)):
        fresh = ngram.NgramModel(ids[:150], order=order, vocabulary_size=20, discount=discount)
        assert counted.variant(order, discount).mean_nll(ids, 150, 6) == pytest.approx(fresh.mean_nll(ids, 150, 6))
    with pytest.raises(ValueError, match="above the counted order"):
        counted.variant(6, 0.75)


def test_ngram_tuning_picks_the_order_the_validation_text_needs():
    # "ab" is followed by c and by d, so two characters of context (order 3) are not enough: three
    # ("cab" -> d, "dab" -> c) fix every character.
    corpus = "abcabd" * 60
    vocabulary = text_corpus.build_vocabulary(corpus, min_count=1)
    ids = text_corpus.encode(corpus, vocabulary)
    model, grid = ngram.tune(ids[:300], ids[300:], len(vocabulary), orders=[1, 2, 3, 4], discounts=[0.5, 0.9], context_len=5)
    assert [(row["order"], row["discount"]) for row in grid] == [(o, d) for o in (1, 2, 3, 4) for d in (0.5, 0.9)]
    best = min(grid, key=lambda row: row["val_loss"])
    assert (model.order, model.discount) == (best["order"], best["discount"])
    assert model.order >= 4  # three characters of context ("cab" vs "dab") decide the next one
    by_order = {row["order"]: row["val_loss"] for row in grid if row["discount"] == 0.5}
    assert by_order[4] < by_order[2] < by_order[1]
    with pytest.raises(ValueError, match="context_len"):
        ngram.tune(ids[:300], ids[300:], len(vocabulary), orders=[8], discounts=[0.5], context_len=5)


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
    corpus = params.load("text.corpus", preprocess.Corpus, path)
    assert corpus.validation_fraction + corpus.test_fraction == pytest.approx(0.1)
    assert params.load("text.model", model.CharModel, path).objective == "every_position"
    assert params.load("text.train", params.Training, path).patience >= 1
    assert params.load("text.evaluate", text_corpus.Evaluation, path).context_len == 40
    assert 5 in params.load("text.baseline", baseline.Baseline, path).orders
    assert params.load("text.generate", sampling.Generation, path).temperatures == [0.2, 1.0, 1.5]
    assert params.load("download.text", params.Source, path).sources == ["mirror", "url", "fallback"]
