"""The offline report, of the committed results and of two revisions of a tiny run, loaded in headless Chromium."""
import functools
import html
import http.server
import json
import re
import shutil
import subprocess
import threading

import pytest
import yaml

from conftest import ROOT, VENV_BIN
from stages import report

CHROMIUM = shutil.which("chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
]
# Loads the page in a same-origin frame, waits for every image, and reports what it saw: title,
# headings, images as drawn, and each table's class, header, first column and bottom edge in the frame.
HARNESS = """<!DOCTYPE html><html><body><pre id="result">pending</pre>
<iframe id="page" src="PAGE" width="1200" height="900"></iframe>
<script>
const frame = document.getElementById("page");
frame.addEventListener("load", () => {
  const doc = frame.contentDocument;
  const images = Array.from(doc.images);
  Promise.all(images.map(img => img.complete ? null : new Promise(done => { img.onload = img.onerror = done; })))
    .then(() => {
      document.getElementById("result").textContent = JSON.stringify({
        title: doc.title,
        headings: Array.from(doc.querySelectorAll("h2")).map(h => h.textContent),
        images: images.map(img => [img.getAttribute("src"), img.naturalWidth, img.naturalHeight]),
        tables: Array.from(doc.querySelectorAll("table")).map(table => ({
          class: table.className,
          header: Array.from(table.rows[0].cells).map(c => c.textContent),
          first_column: Array.from(table.rows).slice(1).map(row => row.cells[0].textContent),
          bottom: table.getBoundingClientRect().bottom,
        })),
      });
    });
});
</script></body></html>"""

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def load_in_chromium(directory, page, tmp_path):
    """Serve `directory` on loopback, open `page` in headless Chromium; return (what the page saw, outside URLs)."""
    (directory / "harness.html").write_text(HARNESS.replace("PAGE", page))
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    net_log = tmp_path / "netlog.json"
    try:
        dom = subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", f"--log-net-log={net_log}",
             "--virtual-time-budget=20000", "--dump-dom", f"{origin}/harness.html"],
            capture_output=True, text=True, timeout=120,
        ).stdout
    finally:
        server.shutdown()
    result = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
    assert result, f"the harness page did not load:\n{dom[:2000]}"
    seen = json.loads(html.unescape(result.group(1)))
    outside = {url for url in page_requests(net_log, origin) if not url.startswith(origin + "/")}
    return seen, sorted(outside)


def page_requests(net_log, origin):
    """URLs the page asked for (requests whose initiator is the served origin), from Chromium's net log.

    Chromium's own background traffic (update checks and the like) has no such initiator.
    """
    text = net_log.read_text(errors="replace")
    try:
        events = json.loads(text)["events"]
    except json.JSONDecodeError:  # the log of a browser that did not shut down cleanly lacks its closing
        events = json.loads(text.rstrip().rstrip(",") + "]}")["events"]
    return {
        event["params"]["url"].split("#")[0]
        for event in events
        if "url" in event.get("params", {}) and event["params"].get("initiator", "").startswith(origin)
    }


@needs_chromium
def test_the_check_sees_outside_requests_and_broken_images(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "page.html").write_text(
        "<html><head><title>t</title></head><body><h2>x</h2><img src='http://example.invalid/a.png'></body></html>"
    )
    seen, outside = load_in_chromium(site, "page.html", tmp_path)
    assert seen["images"] == [["http://example.invalid/a.png", 0, 0]]
    assert any("example.invalid" in url for url in outside)


PROJECTS = ["MNIST autoencoder", "Denoising autoencoder", "Text generation", "IMDB sentiment"]
HEADLINES = [
    "autoencoder, latent 16: test BCE", "autoencoder, latent 32: test BCE", "autoencoder, latent 64: test BCE",
    "denoiser: test PSNR (dB)", "character LSTM: test-part loss (nats/char)", "IMDB LSTM: test accuracy", "IMDB LSTM: test F1",
]
FRAME_HEIGHT = 900


def build_report(cwd, output, *arguments, env=None):
    built = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "stages.report", "--output", str(output), *arguments],
        cwd=cwd, capture_output=True, text=True, env=env or {"PATH": f"{VENV_BIN}:/usr/bin:/bin"},
    )
    assert built.returncode == 0, built.stderr
    return built.stdout


def assert_loads_offline(seen, outside):
    assert outside == []
    assert seen["title"] == "Pipeline report"
    for source, width, height in seen["images"]:
        assert width > 0 and height > 0, f"{source} did not render"


@needs_chromium
def test_report_opens_on_a_summary_of_every_project_and_loads_offline(tmp_path):
    build_report(ROOT, tmp_path / "report")
    seen, outside = load_in_chromium(tmp_path / "report", "index.html", tmp_path)
    assert_loads_offline(seen, outside)
    assert seen["headings"] == ["Summary", *PROJECTS, "Data sources"]
    # Every plot whose data this checkout has; the cached training curves only after `dvc pull`.
    pipeline = yaml.safe_load((ROOT / "dvc.yaml").read_text())
    with_data = [files for files in report.plot_files(pipeline).values() if all((ROOT / f).exists() for f in files)]
    assert len(with_data) >= 12 and len(seen["images"]) >= len(with_data)
    page = (tmp_path / "report/index.html").read_text()
    assert ("Not drawn, missing from the workspace" in page) == (len(with_data) < len(report.plot_files(pipeline)))
    summary = seen["tables"][0]
    assert summary["class"] == "summary" and summary["first_column"] == HEADLINES
    assert summary["header"] == ["headline", "value", "baseline", "baseline value", "who is ahead", "spread over seeds"]
    assert summary["bottom"] <= FRAME_HEIGHT, "the summary is not on the first screen"
    sources = [source for source, _, _ in seen["images"]]
    assert "plots/plots_sentiment_confusion_matrix_png_workspace.png" in sources
    assert not any("sentiment_confusion_matrix_on" in source for source in sources), "DVC's count-less confusion chart"
    assert str(ROOT) not in (tmp_path / "report/index.html").read_text()


def test_data_sources_name_files_not_paths_of_this_machine(tmp_path, monkeypatch):
    raw = tmp_path / "data/raw"
    raw.mkdir(parents=True)
    records = {
        "mnist": {"kind": "mirror", "location": "/somewhere/datasets/mnist.npz", "file": "data/raw/mnist.npz"},
        "text": {"kind": "url", "location": "https://example.org/prince.txt", "file": "data/raw/prince.txt"},
        "imdb": {"kind": "url", "location": "/somewhere/reviews.csv.gz", "file": "data/raw/reviews.csv.gz"},
    }
    for name, record in records.items():
        (raw / f"{name}.source.json").write_text(json.dumps({"dataset": name, "sha256": "ab", **record, "lines": 3}))
    monkeypatch.chdir(tmp_path)
    rows = report.data_sources()
    assert [(row["source"], row["file"], row["from"]) for row in rows] == [
        ("url", "reviews.csv.gz", ""), ("mirror", "mnist.npz", ""), ("url", "prince.txt", "https://example.org/prince.txt"),
    ]
    assert "/somewhere" not in json.dumps(rows)


@needs_chromium
def test_comparison_of_a_commit_and_an_experiment_loads_offline_side_by_side(tiny_experiment, tmp_path):
    repo = tiny_experiment
    printed = build_report(repo.path, tmp_path / "report", "--revs", "HEAD", "more-epochs", env=repo.env)
    assert "HEAD, more-epochs" in printed
    seen, outside = load_in_chromium(tmp_path / "report", "index.html", tmp_path)
    assert_loads_offline(seen, outside)
    assert seen["headings"] == ["Summary", "MNIST autoencoder"]
    summary, *metrics = seen["tables"]
    assert summary["first_column"] == ["autoencoder, latent 16: test BCE"]
    assert summary["header"] == ["headline", "HEAD", "more-epochs", "more-epochs − HEAD"]
    [scores] = [table for table in metrics if "probe_accuracy" in table["first_column"] and "test_ssim" in table["first_column"]][:1]
    assert scores["header"] == ["metric", "HEAD", "more-epochs", "more-epochs − HEAD"]
    # Each revision's picture, and one chart drawing both revisions' results.
    sources = [source for source, _, _ in seen["images"]]
    assert {"plots/plots_autoencoder_reconstructions_png_head.png",
            "plots/plots_autoencoder_reconstructions_png_more_epochs.png"} <= set(sources)
    chart = (tmp_path / "report/plots/autoencoder_vs_pca_test_bce_by_latent_size.svg").read_text()
    assert "HEAD" in chart and "more-epochs" in chart


def test_plot_data_a_clone_has_not_pulled_is_named_with_the_fix(tmp_path, monkeypatch):
    (tmp_path / "plots/text").mkdir(parents=True)
    (tmp_path / "plots/text/val_loss.csv").write_text("model,val_loss\n")
    pipeline = {"plots": [
        {"Validation loss": {"x": "step", "y": {"plots/train/text/plots/metrics/eval/loss.tsv": "loss"}}},
        {"Text bars": {"x": "val_loss", "y": {"plots/text/val_loss.csv": "model"}}},
        "plots/sentiment/confusion_matrix.png",
    ]}
    monkeypatch.chdir(tmp_path)
    assert report.missing_plot_data(pipeline) == ["plots/sentiment/confusion_matrix.png", "plots/train/text"]


def test_headlines_are_the_figures_a_run_has_and_say_who_is_ahead():
    from stages import headlines

    metrics = {
        "metrics/autoencoder/latent_8.json": {"test_loss": 0.15}, "metrics/autoencoder_baseline/pca_8.json": {"test_loss": 0.16},
        "metrics/text.json": {"test_loss": 1.35}, "metrics/text_baseline.json": {"test_loss": 1.47},
        "metrics/sentiment.json": {"accuracy": 0.88, "f1": 0.881}, "metrics/sentiment_baseline.json": {"accuracy": 0.9},
    }
    found = headlines.headlines(metrics)
    assert [h.label for h in found] == ["autoencoder, latent 8: test BCE", "character LSTM: test-part loss (nats/char)",
                                        "IMDB LSTM: test accuracy", "IMDB LSTM: test F1"]
    text, accuracy = found[1], found[2]
    assert text.lead(1.35, 1.47) == pytest.approx(0.12)
    assert text.lead_words(0.12, "the 5-gram model") == "the LSTM is 0.1200 nats/char ahead of the 5-gram model"
    assert accuracy.lead(0.88, 0.9) == pytest.approx(-2.0)
    assert accuracy.lead_words(-2.0, "TF-IDF", spread=0.003) == "the LSTM is 2.00 ± 0.30 points behind TF-IDF"
    tuning = {"plots/sentiment/baseline_grid.csv": [
        {"max_ngram": "1", "inverse_regularisation": "4.0", "validation_accuracy": "0.9"},
        {"max_ngram": "2", "inverse_regularisation": "16.0", "validation_accuracy": "0.9"},
    ]}
    # Ties go to the first setting, as the baseline stage chooses.
    assert headlines.baseline_name(accuracy, tuning) == "TF-IDF 1- to 1-grams + logistic regression (C = 4, tuned on validation)"
    assert headlines.baseline_name(accuracy, {}) == "its baseline"


def test_a_seed_spread_is_shown_only_beside_the_value_its_seeds_were_queued_from():
    from stages import headlines

    seeds = {"runs": ["main", "seed-1"], "metrics": {"metrics/text.json:test_loss": {
        "mean": 1.38, "std": 0.005, "min": 1.375, "max": 1.385, "values": {"main": 1.375, "seed-1": 1.385}}}}
    assert headlines.spread(headlines.TEXT, 1.375, seeds)["mean"] == 1.38
    # The text trained on another book, say: the Little Prince's seeds say nothing about it.
    assert headlines.spread(headlines.TEXT, 2.056, seeds) is None
    assert headlines.spread(headlines.DENOISER, 17.5, seeds) is None and headlines.spread(headlines.TEXT, 1.375, None) is None


def test_revisions_with_other_latent_sizes_are_compared_row_by_row(tiny_experiment, tmp_path):
    repo = tiny_experiment
    repo.dvc("exp", "run", "--name", "latent-8", "-S", "autoencoder.latent_sizes=[8,16]", "evaluate_autoencoder")
    # Latent 8 exists in the middle revision only, so a row list taken from the first or the last misses it; and in
    # the first only, compared with a revision that lacks it.
    for revisions, has_latent_8 in ((["HEAD", "latent-8", "more-epochs"], [False, True, False]),
                                    (["latent-8", "HEAD"], [True, False])):
        build_report(repo.path, tmp_path / "report", "--revs", *revisions, env=repo.env)
        summary = (tmp_path / "report/report.md").read_text().split("## Summary")[1].split("##")[0]
        assert "| autoencoder, latent 8: test BCE |" in summary and "| autoencoder, latent 16: test BCE |" in summary
        # The other revisions' cells are empty, not an error.
        [row] = [line for line in summary.splitlines() if "latent 8" in line]
        cells = [cell.strip() for cell in row.split("|")[2 : 2 + len(revisions)]]
        assert [cell != "—" and any(char.isdigit() for char in cell) for cell in cells] == has_latent_8, row
