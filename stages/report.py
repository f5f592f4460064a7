"""Offline report: every metric, param, data source, plot and text sample, as report/index.html and report.md.

Vega-Lite specs come from `dvc plots show --json` and are rendered to static SVG by vl-convert,
so the page needs no network (DVC's own page loads Vega from a CDN).
"""
import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from stages.cli import StageError, run
from stages.outputs import atomic_path, write_text

STYLE = """
body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
figure { display: inline-block; margin: 0.5em; vertical-align: top; }
img { max-width: 100%; }
pre { background: #f6f6f6; padding: 0.8em; white-space: pre-wrap; }
"""


def flatten(data, prefix=""):
    """{"a": {"b": 1}} -> {"a.b": 1}."""
    if not isinstance(data, dict):
        return {prefix: data}
    flat = {}
    for key, value in data.items():
        flat.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    return flat


def metric_files(pipeline):
    """The JSON files behind the top-level `metrics` of dvc.yaml (files or directories)."""
    for entry in pipeline.get("metrics", []):
        path = Path(entry)
        yield from sorted(path.rglob("*.json")) if path.is_dir() else [path]


def slug(text):
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def render_plots(output_dir):
    """Render every plot of `dvc plots show` into output_dir/plots; return [(title, file name)]."""
    import vl_convert

    with tempfile.TemporaryDirectory() as scratch:
        shown = subprocess.run(
            [sys.executable, "-m", "dvc", "plots", "show", "--json", "-o", scratch], capture_output=True, text=True
        )
        if shown.returncode != 0:
            raise StageError(f"dvc plots show failed: {shown.stderr.strip()}")
        plots = json.loads(shown.stdout)
        rendered = []
        for title, renderers in plots.get("data", plots).items():
            for renderer in renderers:
                if renderer["type"] == "vega":
                    name = f"{slug(title)}.svg"
                    svg = vl_convert.vegalite_to_svg(renderer["content"])
                    write_text(output_dir / "plots" / name, svg)
                else:
                    source = Path(renderer["url"])
                    name = f"{slug(title)}{source.suffix}"
                    with atomic_path(output_dir / "plots" / name) as temporary:
                        shutil.copyfile(source, temporary)
                rendered.append((title, name))
    return rendered


def data_sources():
    records = [json.loads(path.read_text()) for path in sorted(Path("data/raw").glob("*.source.json"))]
    return [
        {key: record.get(key) for key in ("dataset", "kind", "location", "sha256", "train_samples", "test_samples")}
        for record in records
    ]


def text_samples():
    """Generated text pages kept under plots/ as markdown (each project's summary of its samples)."""
    return [(str(path), path.read_text(encoding="utf-8")) for path in sorted(Path("plots").rglob("*.md"))]


def cell(value):
    if isinstance(value, float):
        return f'<td class="number">{value:.4g}</td>'
    if isinstance(value, int) and not isinstance(value, bool):
        return f'<td class="number">{value}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def html_table(rows):
    if not rows:
        return "<p>none</p>"
    header = "".join(f"<th>{html.escape(str(key))}</th>" for key in rows[0])
    body = "".join("<tr>" + "".join(cell(value) for value in row.values()) + "</tr>" for row in rows)
    return f"<table><tr>{header}</tr>{body}</table>"


def markdown_table(rows):
    if not rows:
        return "none\n"
    keys = list(rows[0])
    lines = ["| " + " | ".join(keys) + " |", "|" + " --- |" * len(keys)]
    for row in rows:
        lines.append("| " + " | ".join(f"{v:.4g}" if isinstance(v, float) else str(v) for v in row.values()) + " |")
    return "\n".join(lines) + "\n"


def build(output_dir):
    pipeline = yaml.safe_load(Path("dvc.yaml").read_text())
    params = yaml.safe_load(Path("params.yaml").read_text())
    metrics = {
        str(path): [{"metric": k, "value": v} for k, v in flatten(json.loads(path.read_text())).items()]
        for path in metric_files(pipeline)
        if path.is_file()
    }
    sources = data_sources()
    plots = render_plots(output_dir)
    samples = text_samples()

    page = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Pipeline report</title><style>{STYLE}</style></head><body>"]
    markdown = ["# Pipeline report\n"]
    page.append("<h1>Pipeline report</h1><h2>Data sources</h2>")
    markdown.append("## Data sources\n")
    if sources:
        page.append(html_table(sources))
        markdown.append(markdown_table(sources))
    else:
        page.append("<p>No provenance records in data/raw: run <code>dvc repro</code> (see data_source in the metrics).</p>")
        markdown.append("No provenance records in data/raw: run `dvc repro` (see data_source in the metrics).\n")
    page.append("<h2>Metrics</h2>")
    markdown.append("## Metrics\n")
    for path, rows in metrics.items():
        page.append(f"<h3>{html.escape(path)}</h3>{html_table(rows)}")
        markdown.append(f"### {path}\n\n{markdown_table(rows)}")
    page.append("<h2>Plots</h2>")
    markdown.append("## Plots\n")
    for title, name in plots:
        page.append(f"<figure><img src='plots/{name}' alt='{html.escape(title)}'><figcaption>{html.escape(title)}</figcaption></figure>")
        markdown.append(f"![{title}](plots/{name})\n")
    page.append("<h2>Generated text</h2>")
    markdown.append("## Generated text\n")
    for path, text in samples:
        page.append(f"<h3>{html.escape(path)}</h3><pre>{html.escape(text)}</pre>")
        markdown.append(f"### {path}\n\n```\n{text}\n```\n")
    page.append("<h2>Params</h2>")
    markdown.append("## Params\n")
    dumped = yaml.safe_dump(params, sort_keys=False)
    page.append(f"<pre>{html.escape(dumped)}</pre></body></html>")
    markdown.append(f"```yaml\n{dumped}```\n")
    write_text(output_dir / "report.md", "\n".join(markdown))
    write_text(output_dir / "index.html", "\n".join(page))
    print(f"{output_dir}/index.html: {len(metrics)} metrics files, {len(plots)} plots, {len(samples)} text samples")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("report"), help="directory to write (default: report)")
    build(parser.parse_args().output)


if __name__ == "__main__":
    run(main)
