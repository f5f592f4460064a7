"""DVC's own plots pages, `dvc plots show` and `dvc plots diff`, of a tiny run and an experiment, opened from disk
as `--open` does in headless Chromium with the network denied: every plot with data draws, every other one says
how to get its data."""
import html
import json
import re
import subprocess

import yaml

from conftest import VENV_BIN
from test_report import CHROMIUM, FLAGS, needs_chromium, page_requests

NO_NETWORK = ["--host-resolver-rules=MAP * ~NOTFOUND"]
# Appended to a copy of the page: waits until every Vega plot has drawn (an SVG) or shown its no-data note,
# then reports each plot's title, axis titles, legend labels and count of drawn data marks, and each image's size.
REPORTER = """<pre id="seen">pending</pre><script>
function plots() { return PLOT_IDS.map(id => document.getElementById(id)); }
function texts(div, selector) { return Array.from(div.querySelectorAll(selector)).map(node => node.textContent); }
function report(polls) {
  const settled = plots().every(div => div.querySelector("svg, .no-data"));
  if (!settled && polls > 0) return setTimeout(() => report(polls - 1), 100);
  document.getElementById("seen").textContent = JSON.stringify({
    plots: plots().map(div => ({
      title: texts(div, "svg .role-title-text").join(" "),
      axes: texts(div, "svg .role-axis-title"),
      legend: texts(div, "svg .role-legend-label"),
      marks: div.querySelectorAll("svg .role-mark > *").length,
      no_data: texts(div, ".no-data").join(" "),
    })),
    images: Array.from(document.images).map(img => [img.getAttribute("src"), img.naturalWidth]),
  });
}
addEventListener("load", () => report(150));
</script>"""


def open_offline(page, tmp_path):
    """Open `page` (a file) in Chromium with no network; return (what the reporter saw, http(s) URLs it asked for)."""
    checked = page.with_name("checked.html")
    text = page.read_text()
    end = text.rindex("</body>")  # the last one: Vega-Embed's code has the string too
    plot_ids = json.dumps(re.findall(r"vegaEmbed\('#([^']+)'", text))
    checked.write_text(text[:end] + REPORTER.replace("PLOT_IDS", plot_ids) + text[end:])
    net_log = tmp_path / f"{page.parent.name}.netlog.json"
    dom = subprocess.run(
        [CHROMIUM, *FLAGS, *NO_NETWORK, f"--user-data-dir={tmp_path / 'profile'}", f"--log-net-log={net_log}",
         "--virtual-time-budget=30000", "--dump-dom", checked.as_uri()],
        capture_output=True, text=True, timeout=120,
    ).stdout
    seen = re.search(r'<pre id="seen">(.*?)</pre>', dom, re.S)
    assert seen and seen.group(1) != "pending", f"the page did not finish drawing:\n{dom[-2000:]}"
    # A file:// page's requests carry the opaque origin "null" as initiator; Chromium's own traffic has none.
    asked = [url for url in page_requests(net_log, "null") if url.startswith(("http:", "https:"))]
    return json.loads(html.unescape(seen.group(1))), asked


@needs_chromium
def test_the_check_sees_requests_for_the_network(tmp_path):
    page = tmp_path / "site/index.html"
    page.parent.mkdir()
    page.write_text("<html><body><script src='https://cdn.example.invalid/vega.js'></script></body></html>")
    seen, asked = open_offline(page, tmp_path)
    assert seen["plots"] == [] and asked == ["https://cdn.example.invalid/vega.js"]


def declared_plots(repo):
    """[(title, x_label, y_label, has data)] of the Vega plots in dvc.yaml; has data: any of its files exists."""
    declared = []
    for entry in yaml.safe_load((repo / "dvc.yaml").read_text())["plots"]:
        if isinstance(entry, str):
            continue
        [(_, spec)] = entry.items()
        files = [path for axis in (spec["x"], spec["y"]) if isinstance(axis, dict) for path in axis]
        declared.append((spec["title"], spec["x_label"], spec["y_label"], any((repo / f).exists() for f in files)))
    return declared


def assert_draws_offline(page, repo, tmp_path):
    """Every Vega plot with data draws marks under its title and axis labels; the others name the fix. Returns them."""
    text = page.read_text()
    assert not re.search(r"<script[^>]*\bsrc\s*=\s*[\"']?(https?:)?//", text, re.I), "the page loads a script from the network"
    seen, asked = open_offline(page, tmp_path)
    assert asked == []
    declared = declared_plots(repo.path)
    assert len(seen["plots"]) == len(declared)
    drawn = [plot for plot in seen["plots"] if plot["marks"]]
    assert sorted((p["title"], *p["axes"]) for p in drawn) == sorted((t, x, y) for t, x, y, has in declared if has)
    for plot in seen["plots"]:
        assert bool(plot["marks"]) != bool(plot["no_data"]), plot
        if plot["no_data"]:
            assert "dvc pull" in plot["no_data"] and "dvc repro" in plot["no_data"]
    assert seen["images"] and all(width > 0 for _, width in seen["images"]), seen["images"]
    return drawn


@needs_chromium
def test_plots_show_and_diff_pages_draw_every_plot_with_no_network(tiny_experiment, tmp_path):
    repo = tiny_experiment
    # What `make setup` does: the template .dvc/config names, which git does not track.
    repo.run(str(VENV_BIN / "python"), "-m", "stages.plots_page")

    assert "file://" in repo.dvc("plots", "show", "-o", str(tmp_path / "show"))
    drawn = assert_draws_offline(tmp_path / "show/index.html", repo, tmp_path)
    assert len(drawn) == 5  # the three latent-size comparisons and the two training curves of latent 16

    repo.dvc("plots", "diff", "HEAD", "more-epochs", "-o", str(tmp_path / "diff"))
    drawn = assert_draws_offline(tmp_path / "diff/index.html", repo, tmp_path)
    assert len(drawn) == 5
    for plot in drawn:
        assert {"HEAD", "more-epochs"} <= set(plot["legend"]), plot


def test_without_the_offline_template_dvc_draws_its_own_page(tiny_experiment, tmp_path):
    """An environment not built by `make setup` has no .dvc/plots.html and nothing names it: DVC's own page."""
    repo = tiny_experiment
    assert not (repo.path / ".dvc/plots.html").exists() and "html_template" not in (repo.path / ".dvc/config").read_text()
    repo.dvc("plots", "show", "-o", str(tmp_path / "show"))
    # DVC's own page loads Vega, Vega-Lite and Vega-Embed from a CDN.
    assert 'src="https://' in (tmp_path / "show/index.html").read_text().replace("src = ", "src=")

    repo.run(str(VENV_BIN / "python"), "-m", "stages.plots_page")
    assert "html_template = plots.html" in (repo.path / ".dvc/config.local").read_text()
    repo.dvc("plots", "show", "-o", str(tmp_path / "offline"))
    assert 'src="https://' not in (tmp_path / "offline/index.html").read_text().replace("src = ", "src=")
