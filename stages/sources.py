"""Dataset sources and verification: local mirror, official URL or path, offline fallback; checksums; provenance."""
import hashlib
import http.client
import logging
import os
import shutil
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from tqdm import tqdm

from stages import params
from stages.cli import StageError
from stages.outputs import atomic_path, write_json
from stages.paths import RAW, source_record

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 5
ATTEMPTS = 3
CHUNK = 1 << 20


@dataclass(frozen=True)
class Dataset:
    """What the download machinery needs to know about one dataset."""

    name: str
    filename: str
    # Opens the canonical file and returns its sample counts; raises ValueError when it is unreadable.
    check: Callable[[Path], dict]
    # Turns the official download into the canonical file (for archives that need conversion).
    convert: Callable[[Path, Path], None] | None = None
    # Writes an offline substitute to the given path.
    fallback: Callable[[Path], None] | None = None
    fallback_origin: str = ""


class Unavailable(Exception):
    """A source could not be reached; the next source is tried."""


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(path):
    """Parse a `sha256sum`-format file into {filename: sha256}."""
    manifest = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        digest, _, name = line.partition(" ")
        name = name.strip().lstrip("*")
        if len(digest) != 64 or not name:
            raise StageError(f"{path}:{number}: expected '<sha256>  <filename>', got {line!r}")
        manifest[name] = digest.lower()
    return manifest


def verify(path, expected, origin):
    actual = sha256_of(path)
    if expected is not None and actual != expected:
        raise StageError(
            f"{origin}: sha256 mismatch (corrupt or truncated file): expected {expected}, got {actual}"
        )
    return actual


def _from_mirror(dataset, mirror, temporary):
    mirror = Path(mirror)
    manifest_path = mirror / "SHA256SUMS"
    if not manifest_path.is_file():
        raise StageError(f"DATA_MIRROR={mirror}: no SHA256SUMS file there (expected `sha256sum` output)")
    expected = read_manifest(manifest_path).get(dataset.filename)
    if expected is None:
        raise StageError(f"{manifest_path}: no entry for {dataset.filename}, so it cannot be verified")
    source = mirror / dataset.filename
    if not source.is_file():
        raise StageError(f"DATA_MIRROR={mirror}: {dataset.filename} is listed in SHA256SUMS but missing")
    log.info("%s: copying %s", dataset.name, source.resolve())
    shutil.copyfile(source, temporary)
    verify(temporary, expected, source)
    # The file's name, not where this machine keeps the mirror: the record is a tracked output.
    return {"kind": "mirror", "location": dataset.filename}


def _download(url, destination):
    """Fetch `url` to `destination` with a progress bar, retrying network failures with backoff."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with urllib.request.urlopen(url, timeout=CONNECT_TIMEOUT_S) as response:
                total = int(response.headers.get("Content-Length") or 0) or None
                received = 0
                with open(destination, "wb") as out, tqdm(
                    total=total, unit="B", unit_scale=True, desc=Path(url).name
                ) as bar:
                    while block := response.read(CHUNK):
                        out.write(block)
                        received += len(block)
                        bar.update(len(block))
            if total is not None and received != total:
                raise StageError(f"{url}: truncated download: got {received} of {total} bytes")
            return
        except (urllib.error.URLError, http.client.HTTPException, TimeoutError, ConnectionError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(error, urllib.error.HTTPError) and error.code < 500:
                raise Unavailable(f"{url}: HTTP {error.code}") from None
            if attempt == ATTEMPTS:
                raise Unavailable(f"{url}: {reason}") from None
            log.warning("%s: %s; retrying in %d s", url, reason, 2 ** (attempt - 1))
            time.sleep(2 ** (attempt - 1))


def _from_url(dataset, source, temporary):
    if source.url is None:
        raise Unavailable("url: none configured")
    if source.sha256 is None:
        log.warning("download.%s.sha256 is null: accepting %s without verifying it", dataset.name, source.url)
    local = Path(source.url.removeprefix("file://"))
    is_local = "://" not in source.url or source.url.startswith("file://")
    if is_local and not local.is_file():
        raise StageError(f"download.{dataset.name}.url: local file {local} does not exist")
    fetched = temporary.with_name(temporary.name + ".download")
    try:
        if is_local:
            shutil.copyfile(local, fetched)
        else:
            _download(source.url, fetched)
        verify(fetched, source.sha256, source.url)
        if dataset.convert is None:
            os.replace(fetched, temporary)
        else:
            dataset.convert(fetched, temporary)
    finally:
        fetched.unlink(missing_ok=True)
    return {"kind": "url", "location": source.url}


def _from_fallback(dataset, temporary):
    if dataset.fallback is None:
        raise Unavailable("fallback: this dataset has none")
    log.warning("=" * 72)
    log.warning("FALLBACK DATA for %s: neither a mirror nor the URL was available.", dataset.name)
    log.warning("Results from this run are NOT comparable with a full-data run.")
    log.warning("=" * 72)
    dataset.fallback(temporary)
    return {"kind": "fallback", "location": dataset.fallback_origin}


def fetch(dataset, source, out_dir, mirror):
    """Write `out_dir/<filename>` from the first available source and record its provenance beside it.

    `mirror` is the mirror directory, or None for none. Returns the provenance record. A source
    that is unreachable is skipped; a source that answers with wrong content is an error, since
    silently falling back would hide it.
    """
    output = Path(out_dir) / dataset.filename
    tried = []
    with atomic_path(output) as temporary:
        for kind in source.sources:
            try:
                if kind == "mirror":
                    if mirror is None:
                        raise Unavailable("mirror: DATA_MIRROR is not set")
                    record = _from_mirror(dataset, mirror, temporary)
                elif kind == "url":
                    record = _from_url(dataset, source, temporary)
                else:
                    record = _from_fallback(dataset, temporary)
            except Unavailable as reason:
                tried.append(str(reason))
                log.warning("%s unavailable: %s", dataset.name, reason)
                continue
            try:
                counts = dataset.check(temporary)
            except (ValueError, OSError, KeyError, EOFError) as error:
                raise StageError(f"{record['location']}: unreadable {dataset.filename}: {error}") from None
            record.update(dataset=dataset.name, file=str(output), sha256=sha256_of(temporary), **counts)
            break
        else:
            raise StageError(
                f"could not get {dataset.filename}; tried: {'; '.join(tried)}. Put {dataset.filename} and a "
                f"SHA256SUMS file listing it in a directory and run with DATA_MIRROR=/path/to/that/directory"
            )
    write_json(source_record(dataset.name, out_dir), record)
    log.info("%s: %s from %s (%s)", dataset.name, output, record["location"], record["kind"])
    return record


def download(name, make_dataset):
    """The download stage of dataset `name`: params `download.<name>`, $DATA_MIRROR, then fetch() into data/raw.

    `make_dataset(source)` returns the Dataset spec; `source` is the validated params section.
    """
    source = params.load(f"download.{name}", params.Source)
    dataset = make_dataset(source)
    if "fallback" in source.sources and dataset.fallback is None:
        raise StageError(f"params.yaml: download.{name}.sources: {name} has no offline fallback; remove 'fallback'")
    return fetch(dataset, source, RAW, mirror=os.environ.get("DATA_MIRROR") or None)
