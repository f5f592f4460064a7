"""Tests of the IMDB library: standardisation, vocabulary, sequences, tar-to-CSV conversion, loading checks."""

import gzip
import io
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from stages.sentiment import dataset as imdb_dataset
from stages.sentiment import decision, encoding, preprocess, train


def reviews_frame(rows):
    return pd.DataFrame(rows, columns=["split", "label", "text"])


def tokenize(text):
    return [word.decode("utf-8") for word in encoding.words([text]).to_list()[0]]


def test_the_tokenizer_lowercases_breaks_lines_drops_apostrophes_and_splits_on_the_rest():
    assert encoding.standardize(["Great<br /><br />Movie!"]).numpy().tolist() == [b"great movie "]
    assert tokenize("Great<br /><br />Movie!") == ["great", "movie"]
    assert tokenize("I didn't like it... at ALL, (really)?") == ["i", "didnt", "like", "it", "at", "all", "really"]
    assert tokenize("good.the end--bad under_score") == ["good", "the", "end", "bad", "under", "score"]
    assert tokenize("Café “quoted” — 10/10, ΟΔΟΣ Straße x² ½") == ["café", "quoted", "10", "10", "οδος", "straße", "x²", "½"]
    assert tokenize("NUL\x00SPLITS Ü") == ["nul", "splits", "ü"]
    assert tokenize("!!! ... ---") == []


def test_vocabulary_is_built_from_train_only_most_frequent_first():
    reviews = reviews_frame(
        [
            ("train", 1, "good good good film"),
            ("train", 0, "bad bad film"),
            ("test", 1, "wonderful wonderful wonderful wonderful wonderful"),
        ]
    )
    word_index = encoding.build_vocabulary(reviews, num_words=10)
    assert word_index == {"good": 2, "bad": 3, "film": 4}
    assert "wonderful" not in word_index
    # A test-only word encodes as OOV even though it is the most frequent word overall.
    assert encoding.encode(["wonderful film"], word_index, maxlen=3).tolist() == [[encoding.OOV_ID, 4, encoding.PADDING_ID]]


def test_vocabulary_keeps_num_words_minus_reserved_ids_with_alphabetical_ties():
    reviews = reviews_frame([("train", 1, "b a c c"), ("train", 0, "d")])
    assert encoding.build_vocabulary(reviews, num_words=4) == {"c": 2, "a": 3}
    with pytest.raises(ValueError, match="num_words must be at least 3"):
        encoding.build_vocabulary(reviews, num_words=2)


def test_encode_pads_at_the_end_and_truncates_either_side():
    word_index = {"one": 2, "two": 3, "three": 4, "four": 5, "five": 6}
    texts = ["one two three four five", "one two", "One, unknown!"]
    keep_last = encoding.encode(texts, word_index, maxlen=3, truncating="pre")
    keep_first = encoding.encode(texts, word_index, maxlen=3, truncating="post")
    assert keep_last.dtype == np.int32 and keep_last.shape == (3, 3)
    assert keep_last.tolist() == [[4, 5, 6], [2, 3, 0], [2, 1, 0]]
    assert keep_first.tolist() == [[2, 3, 4], [2, 3, 0], [2, 1, 0]]
    with pytest.raises(ValueError, match="truncating must be one of"):
        encoding.encode(texts, word_index, maxlen=3, truncating="middle")


def test_vocabulary_round_trips_through_json(tmp_path):
    word_index = {"good": 2, "bad": 3, "é": 4}
    path = tmp_path / "nested" / "vocabulary.json"
    encoding.save_vocabulary(path, word_index, maxlen=7, truncating="pre")
    document = encoding.load_vocabulary(path)
    assert document["word_index"] == word_index
    assert (document["num_words"], document["maxlen"], document["truncating"]) == (5, 7, "pre")
    assert [p.name for p in path.parent.iterdir()] == ["vocabulary.json"]


def test_validation_split_is_seeded_stratified_and_disjoint():
    labels = np.array([0] * 50 + [1] * 50)
    train, validation = preprocess.validation_split(labels, 0.2, seed=3)
    again_train, again_validation = preprocess.validation_split(labels, 0.2, seed=3)
    assert np.array_equal(train, again_train) and np.array_equal(validation, again_validation)
    assert len(validation) == 20 and labels[validation].sum() == 10
    assert sorted(np.concatenate([train, validation]).tolist()) == list(range(100))
    assert not np.array_equal(validation, preprocess.validation_split(labels, 0.2, seed=4)[1])


def add_member(archive, name, text):
    data = text.encode("utf-8") if isinstance(text, str) else text
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def make_tarball(path, members):
    with tarfile.open(path, "w:gz") as archive:
        directory = tarfile.TarInfo("aclImdb/train/pos")
        directory.type = tarfile.DIRTYPE
        archive.addfile(directory)
        for name, text in members:
            add_member(archive, name, text)


def test_tar_to_csv_streams_labelled_reviews_in_canonical_order_and_ignores_the_rest(tmp_path):
    tar_path = tmp_path / "aclImdb_v1.tar.gz"
    make_tarball(
        tar_path,
        [
            ("aclImdb/test/neg/0_2.txt", "Awful, truly.<br /><br />NA"),
            ("aclImdb/train/neg/0_3.txt", 'A "quoted", comma review'),
            ("aclImdb/train/pos/10_9.txt", "Second positive"),
            ("aclImdb/train/pos/2_10.txt", "Café visit"),
            ("aclImdb/test/pos/0_10.txt", "NA"),
            ("aclImdb/train/unsup/0_0.txt", "unlabelled, must be ignored"),
            ("aclImdb/train/labeledBow.feat", "0:9 1:1"),
            ("aclImdb/imdb.vocab", "the\nand"),
            ("aclImdb/README", "readme"),
        ],
    )
    csv_path = tmp_path / "raw" / "imdb_reviews.csv.gz"
    assert imdb_dataset.tar_to_csv(tar_path, csv_path) == 5
    assert [p.name for p in csv_path.parent.iterdir()] == ["imdb_reviews.csv.gz"]
    reviews = pd.read_csv(csv_path, keep_default_na=False)
    assert reviews.to_dict("list") == {
        "split": ["train", "train", "train", "test", "test"],
        "label": [1, 1, 0, 1, 0],
        "text": ["Café visit", "Second positive", 'A "quoted", comma review', "NA", "Awful, truly.<br /><br />NA"],
    }
    with gzip.open(csv_path, "rt", encoding="utf-8") as csv_file:
        assert csv_file.readline() == "split,label,text\n"


def test_tar_to_csv_fails_clearly_without_reviews_or_on_bad_bytes(tmp_path):
    empty_tar = tmp_path / "empty.tar.gz"
    make_tarball(empty_tar, [("aclImdb/train/unsup/0_0.txt", "only unlabelled")])
    with pytest.raises(ValueError, match="no aclImdb"):
        imdb_dataset.tar_to_csv(empty_tar, tmp_path / "out.csv.gz")
    bad_tar = tmp_path / "bad.tar.gz"
    make_tarball(bad_tar, [("aclImdb/train/pos/0_9.txt", b"caf\xe9")])
    with pytest.raises(ValueError, match="0_9.txt is not valid UTF-8"):
        imdb_dataset.tar_to_csv(bad_tar, tmp_path / "out.csv.gz")
    assert not (tmp_path / "out.csv.gz").exists()


def write_csv(path, rows):
    reviews_frame(rows).to_csv(path, index=False, compression="gzip")
    return path


def test_load_reviews_checks_counts_and_balance(tmp_path):
    rows = [("train", 1, "NA"), ("train", 0, "null"), ("test", 1, "good"), ("test", 0, "bad")]
    path = write_csv(tmp_path / "ok.csv.gz", rows)
    reviews = imdb_dataset.load_reviews(path, expected_counts={"train": 2, "test": 2})
    assert reviews["text"].tolist() == ["NA", "null", "good", "bad"]
    with pytest.raises(ValueError, match="expected 25,000 train reviews, found 2"):
        imdb_dataset.load_reviews(path)
    skewed = write_csv(tmp_path / "skewed.csv.gz", rows + [("test", 1, "fine")] * 2)
    with pytest.raises(ValueError, match=r"test split is 75.0% positive"):
        imdb_dataset.load_reviews(skewed, expected_counts=None)
    bad_label = write_csv(tmp_path / "bad_label.csv.gz", rows + [("test", 2, "x")])
    with pytest.raises(ValueError, match="label must be 0 or 1"):
        imdb_dataset.load_reviews(bad_label, expected_counts=None)
    bad_split = write_csv(tmp_path / "bad_split.csv.gz", rows + [("unsup", 0, "x")])
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        imdb_dataset.load_reviews(bad_split, expected_counts=None)


def test_download_converts_the_official_tarball_through_the_shared_sources(tmp_path):
    from stages import sources
    from stages.params import Source

    tar_path = tmp_path / "aclImdb_v1.tar.gz"
    make_tarball(tar_path, [("aclImdb/train/pos/0_9.txt", "Fine"), ("aclImdb/train/neg/0_1.txt", "Poor"),
                            ("aclImdb/test/pos/0_8.txt", "Good"), ("aclImdb/test/neg/0_2.txt", "Bad"),
                            ("aclImdb/train/unsup/0_0.txt", "ignored")])
    source = Source(sources=["mirror", "url"], url=str(tar_path), sha256=sources.sha256_of(tar_path))
    record = sources.fetch(imdb_dataset.dataset(source), source, tmp_path / "raw", mirror=None)
    assert (record["kind"], record["train_samples"], record["test_samples"]) == ("url", 2, 2)
    reviews = pd.read_csv(tmp_path / "raw" / "imdb_reviews.csv.gz", keep_default_na=False)
    assert reviews["text"].tolist() == ["Fine", "Poor", "Good", "Bad"]
    assert sorted(p.name for p in (tmp_path / "raw").iterdir()) == ["imdb.source.json", "imdb_reviews.csv.gz"]


def test_download_without_mirror_or_network_fails_at_once_saying_what_to_get(tmp_path, monkeypatch):
    from stages import sources
    from stages.cli import StageError
    from stages.params import Source

    url = "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"

    def offline(address, destination):
        raise sources.Unavailable(f"{address}: [Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(sources, "_download", offline)
    source = Source(sources=["mirror", "url"], url=url, sha256="c" * 64)
    with pytest.raises(StageError) as failure:
        sources.fetch(imdb_dataset.dataset(source), source, tmp_path / "raw", mirror=None)
    message = str(failure.value)
    assert "imdb_reviews.csv.gz" in message and "DATA_MIRROR=" in message and url in message
    assert not (tmp_path / "raw" / "imdb_reviews.csv.gz").exists()


def test_the_committed_params_validate_and_bad_values_name_the_key(tmp_path):
    import yaml

    from stages import params
    from stages.cli import StageError

    committed = yaml.safe_load((Path(__file__).resolve().parents[1] / "params.yaml").read_text())
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(committed))
    config = params.load("imdb", preprocess.Preprocessing, path)
    assert (config.num_words, config.truncating, config.expected_reviews.train) == (10000, "pre", 25000)
    assert params.load("sentiment.train", train.SentimentTraining, path).learning_rate_decay <= 1
    assert params.load("download.imdb", params.Source, path).sources == ["mirror", "url"]
    committed["imdb"]["truncating"] = "middle"
    committed["sentiment"]["evaluate"]["threshold"] = 1.5
    path.write_text(yaml.safe_dump(committed))
    with pytest.raises(StageError, match=r"imdb\.truncating: Input should be 'pre' or 'post'"):
        params.load("imdb", preprocess.Preprocessing, path)
    with pytest.raises(StageError, match=r"sentiment\.evaluate\.threshold: Input should be less than 1"):
        params.load("sentiment.evaluate", decision.Decision, path)
