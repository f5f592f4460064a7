"""The offline report, built from the committed metrics and plots and loaded in headless Chromium."""
import functools
import html
import http.server
import json
import re
import shutil
import subprocess
import threading

import pytest

from conftest import ROOT, VENV_BIN

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
# Loads the page in a same-origin frame, waits for every image, and reports what it saw.
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


@needs_chromium
def test_report_loads_offline_with_every_image_drawn(tmp_path):
    built = subprocess.run(
        [str(VENV_BIN / "python"), "-m", "stages.report", "--output", str(tmp_path / "report")],
        cwd=ROOT, capture_output=True, text=True,
        env={"PATH": f"{VENV_BIN}:/usr/bin:/bin"},
    )
    assert built.returncode == 0, built.stderr
    seen, outside = load_in_chromium(tmp_path / "report", "index.html", tmp_path)
    assert outside == []
    assert seen["title"] == "Pipeline report"
    assert seen["headings"] == ["Data sources", "Metrics", "Plots", "Generated text", "Params"]
    assert len(seen["images"]) >= 5
    for source, width, height in seen["images"]:
        assert width > 0 and height > 0, f"{source} did not render"
