"""Offline report: what each project achieved, then one section per project, as report/index.html and report.md.

With --revs it compares git revisions or DVC experiments instead of showing the workspace: metrics side
by side with their difference (`dvc metrics diff`), the params that differ (dvc.api.params_show), and each
plot's series overlaid per revision. Plots come from `dvc plots show/diff --json`; their Vega-Lite specs
are rendered to static SVG by vl-convert, so the page needs no network.
"""
import argparse
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import dvc.api
import pandas as pd
import yaml

from stages.cli import StageError, run
from stages.headlines import PROJECT_PATHS, TUNING, baseline_name, headlines, is_number, lookup, plot_data, spread
from stages.outputs import atomic_path, write_text
from stages.paths import RAW, source_record

STYLE = """
body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; overflow-wrap: anywhere; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
table.summary th { background: #eef3fa; }
figure { display: inline-block; margin: 0.5em; vertical-align: top; }
img { max-width: 100%; }
pre, blockquote { background: #f6f6f6; padding: 0.8em; white-space: pre-wrap; }
blockquote { font-family: serif; font-size: 1.05em; margin: 0.5em 0 1em; }
"""
SAMPLES = Path("plots/text/samples")
SEEDS = Path("metrics/seeds.json")
# The section for plots and metrics files of no project (say, a plot an older revision declared).
OTHER = "Other plots and metrics"


@dataclass
class Results:
    """What the report shows: one or more revisions' metrics and DVC's plots of them."""

    revisions: list
    metrics: dict  # {revision: {metrics file: {key: value}}}
    plots: dict  # {title: [renderer]}, as `dvc plots show/diff --json` gives them

    @property
    def comparing(self):
        return len(self.revisions) > 1


def dvc_json(*arguments):
    done = subprocess.run([sys.executable, "-m", "dvc", *arguments, "--json"], capture_output=True, text=True)
    if done.returncode != 0:
        last_line = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise StageError(f"dvc {' '.join(arguments)} failed: {last_line}")
    return json.loads(done.stdout)


def git(*arguments):
    return subprocess.run(["git", *arguments], capture_output=True, text=True).stdout.strip()


def metric_files(pipeline):
    """The JSON files behind the top-level `metrics` of dvc.yaml (files or directories)."""
    for entry in pipeline.get("metrics", []):
        path = Path(entry)
        yield from sorted(path.rglob("*.json")) if path.is_dir() else [path]


def workspace_results(pipeline, scratch):
    metrics = {str(path): json.loads(path.read_text()) for path in metric_files(pipeline) if path.is_file()}
    return Results(["workspace"], {"workspace": metrics}, dvc_json("plots", "show", "-o", scratch)["data"])


def compared_results(revisions, scratch):
    first, *others = revisions
    metrics = {revision: {} for revision in revisions}
    for other in others:
        for path, changes in dvc_json("metrics", "diff", "--all", first, other).items():
            # A file or key that one revision lacks (a latent size only an experiment trained) stays absent there.
            for key, change in sorted(changes.items()):
                for revision, side in ((first, "old"), (other, "new")):
                    if change.get(side) is not None:
                        metrics[revision].setdefault(path, {})[key] = change[side]
    return Results(revisions, metrics, dvc_json("plots", "diff", "-o", scratch, *revisions)["data"])


def changed_params(revisions):
    """The params whose values differ between the revisions: a row of texts per dotted param, a column per revision
    (— where a revision lacks the param)."""
    params = {revision: pd.json_normalize(dvc.api.params_show(rev=revision)).iloc[0] for revision in revisions}
    values = pd.DataFrame(params).fillna("—").astype(str)
    return values[values.nunique(axis=1) > 1]


def plot_files(pipeline):
    """{plot title: the data files it draws}, from the top-level `plots` of dvc.yaml: those its `y` names, or the
    title itself where it is a file (an image, or a file's columns)."""
    files = {}
    for entry in pipeline.get("plots", []):
        [(title, spec)] = entry.items() if isinstance(entry, dict) else [(entry, None)]
        files[title] = list(spec["y"]) if isinstance((spec or {}).get("y"), dict) else [title]
    return files


def missing_plot_data(pipeline):
    """The folders of plot data files dvc.yaml names that the workspace lacks, such as the cached
    training curves of a clone that has not run `dvc pull`."""
    files = {path for paths in plot_files(pipeline).values() for path in paths}
    return sorted({str(Path(*Path(path).parts[:3])) for path in files if not Path(path).exists()})


def slug(text):
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


@dataclass
class Figure:
    title: str
    file: str
    caption: str
    is_image: bool  # a picture the pipeline drew itself, rather than a DVC chart


def render_plots(results, directory):
    """Write every plot into directory: Vega-Lite as SVG, images as they are. Returns [Figure]."""
    import vl_convert

    figures = []
    for title, renderers in results.plots.items():
        for renderer in renderers:
            if renderer["type"] == "vega":
                name = f"{slug(title)}.svg"
                write_text(directory / name, vl_convert.vegalite_to_svg(renderer["content"]))
                figures.append(Figure(title, name, title, False))
                continue
            [revision] = renderer["revisions"]
            source = Path(renderer["url"])
            name = f"{slug(title)}_{slug(revision)}{source.suffix}"
            with atomic_path(directory / name) as temporary:
                shutil.copyfile(source, temporary)
            figures.append(Figure(title, name, f"{title} ({revision})" if results.comparing else title, True))
    return figures


def side_by_side(revisions, values):
    """Table columns for {revision: value}: one value, or each revision's value then its difference from the first."""
    if len(revisions) == 1:
        return {"value": values.get(revisions[0])}
    first, *others = revisions
    row = {revision: values.get(revision) for revision in revisions}
    for other in others:
        old, new = values.get(first), values.get(other)
        row[f"{other} − {first}"] = new - old if is_number(old) and is_number(new) else None
    return row


def details():
    """What the workspace summary reads besides the metrics: metrics/seeds.json and the baselines' tuning."""
    return plot_data(TUNING) | ({str(SEEDS): json.loads(SEEDS.read_text(encoding="utf-8"))} if SEEDS.exists() else {})


def summary(results, found):
    """One row per headline (stages.headlines) of any revision shown: its value, and in the workspace its baseline,
    who is ahead, and its spread over the training seeds of `make seeds` where they measured this very value.
    `found` is details()."""
    revisions = results.revisions
    shown = {headline.metric: headline for revision in revisions for headline in headlines(results.metrics[revision])}
    rows = []
    if results.comparing:
        for headline in shown.values():
            values = {r: headline.value(results.metrics[r]) for r in revisions}
            rows.append({"headline": headline.label} | side_by_side(revisions, values))
        return [("h2", "Summary"), ("table", "summary", rows),
                ("p", "Each headline at each revision, and its difference from the first; — where a revision lacks it.")]
    metrics = results.metrics["workspace"]
    seeds = found.get(str(SEEDS))
    for headline in shown.values():
        value, baseline = headline.value(metrics), lookup(metrics, headline.baseline)
        stats, name = spread(headline, value, seeds), baseline_name(headline, found)
        rows.append({
            "headline": headline.label, "value": value, "baseline": name, "baseline value": baseline,
            "who is ahead": None if baseline is None else headline.lead_words(headline.lead(value, baseline), name),
            "spread over seeds": None if stats is None else
            f"{headline.show_spread(stats)} ({len(seeds['runs'])} seeds, {headline.show_range(stats)})",
        })
    return [
        ("h2", "Summary"), ("table", "summary", rows),
        ("p", "Spread over seeds: mean ± standard deviation of the headline over the training seeds of `make seeds` "
              "(metrics/seeds.json), with its range; — where the seeds were not run with these data and params."),
    ]


def owner(path):
    """The title of the project a metrics or plot file belongs to."""
    return next((title for title, prefixes in PROJECT_PATHS.items()
                 if any(path == prefix or path.startswith(prefix + "/") for prefix in prefixes)), OTHER)


def text_samples():
    """The generated samples as readable text, by temperature, each with its own metrics."""
    blocks = []
    for path in sorted(SAMPLES.glob("temperature_*.txt"), key=lambda p: float(p.stem.removeprefix("temperature_"))):
        scores = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        measured = ", ".join(f"{key} {value:.3g}" for key, value in scores.items() if key not in ("temperature", "length"))
        blocks += [("h3", f"Sample at temperature {path.stem.removeprefix('temperature_')}"), ("p", measured),
                   ("quote", path.read_text(encoding="utf-8"))]
    return blocks


def section(title, results, samples, figures, metric_files):
    """Key pictures first, then the charts, then every metric: each file's table."""
    if not (samples or figures or metric_files):
        return []
    blocks = [("h2", title), *samples]
    blocks.append(("figures", [f for f in figures if f.is_image] + [f for f in figures if not f.is_image]))
    blocks += [("h3", "Metrics")] if metric_files else []
    for path in sorted(metric_files):
        keys = dict.fromkeys(key for revision in results.revisions for key in results.metrics[revision].get(path, {}))
        rows = [
            {"metric": key} | side_by_side(
                results.revisions, {r: results.metrics[r].get(path, {}).get(key) for r in results.revisions})
            for key in keys
        ]
        blocks += [("p", path), ("table", "metrics", rows)]
    return blocks


def sections(results, figures, pipeline):
    """One section per project, in pipeline order, then one for the files of none."""
    titles = [*PROJECT_PATHS, OTHER]
    figures_of, metric_files_of = {title: [] for title in titles}, {title: set() for title in titles}
    # A chart belongs to the project of the first data file it draws; an image plot is named by its file.
    drawn_from = {title: files[0] for title, files in plot_files(pipeline).items()}
    for figure in figures:
        figures_of[owner(drawn_from.get(figure.title, figure.title))].append(figure)
    for revision in results.revisions:
        for path in results.metrics[revision]:
            metric_files_of[owner(path)].add(path)
    blocks = []
    for title in titles:
        samples = text_samples() if title == owner(str(SAMPLES)) and not results.comparing else []
        blocks += section(title, results, samples, figures_of[title], metric_files_of[title])
    return blocks


def data_sources():
    """Where each dataset came from: source kind, file name, and its URL or fallback (never a path of this machine)."""
    rows = []
    for path in sorted(RAW.glob(source_record("*").name)):
        record = json.loads(path.read_text())
        origin = "" if Path(record["location"]).is_absolute() else record["location"]
        counts = {k: v for k, v in record.items() if k not in ("dataset", "kind", "location", "file", "sha256")}
        rows.append({
            "dataset": record["dataset"], "source": record["kind"], "file": Path(record["file"]).name,
            "from": origin, "size": ", ".join(f"{k} {v}" for k, v in counts.items()), "sha256": record["sha256"],
        })
    return rows


def with_commit(revision):
    """A revision name with the commit it stands for, where git knows it (not for DVC experiment names)."""
    commit = git("rev-parse", "--short", "--verify", "-q", f"{revision}^{{commit}}")
    return f"{revision} ({commit})" if commit and not revision.startswith(commit) else revision


def header(results):
    built = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if results.comparing:
        params = [f"{key}: " + ", ".join(f"{value} at {revision}" for revision, value in values.items())
                  for key, values in changed_params(results.revisions).iterrows()]
        return [
            ("p", f"Compares {', '.join(map(with_commit, results.revisions))}; built {built}."),
            ("p", "Params that differ:" if params else "No params differ."), ("list", params),
        ]
    revision = git("rev-parse", "--short", "HEAD")
    dirty = " with uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else ""
    return [
        ("p", f"Shows the workspace at git revision {revision}{dirty}; built {built}."),
        ("details", "params.yaml", Path("params.yaml").read_text()),
    ]


def build(output, revisions):
    pipeline = yaml.safe_load(Path("dvc.yaml").read_text())
    with tempfile.TemporaryDirectory() as scratch:
        results = compared_results(revisions, scratch) if revisions else workspace_results(pipeline, scratch)
        figures = render_plots(results, output / "plots")
    blocks = [("h1", "Pipeline report"), *header(results)]
    if not results.comparing and (missing := missing_plot_data(pipeline)):
        note = f"Not drawn, missing from the workspace: {', '.join(missing)}. Run `dvc pull` (or `dvc repro`) to get them."
        print(note, file=sys.stderr)
        blocks.append(("p", note))
    blocks += [*summary(results, details()), *sections(results, figures, pipeline)]
    if not results.comparing:
        sources = data_sources()
        blocks += [("h2", "Data sources"), ("table", "sources", sources) if sources else
                   ("p", f"No provenance records in {RAW}: run dvc repro.")]
    write_text(output / "report.md", to_markdown(blocks))
    write_text(output / "index.html", to_html(blocks))
    # Images of earlier builds that this page no longer shows.
    for stale in set((output / "plots").glob("*")) - {output / "plots" / figure.file for figure in figures}:
        stale.unlink()
    print(f"{output}/index.html: {', '.join(results.revisions)}; {len(figures)} plots")


def cell_text(value):
    """A table cell's text: — for a missing value, 4 significant digits for a float."""
    return "—" if value is None else f"{value:.4g}" if isinstance(value, float) else str(value)


def cell(value):
    text = cell_text(value)
    return f'<td class="number">{text}</td>' if is_number(value) else f"<td>{html.escape(text)}</td>"


def markdown_table(header, rows):
    """A Markdown table of `header` and `rows` (lists of cell texts), ending in a newline."""
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows]) + "\n"


def to_html(blocks):
    page = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Pipeline report</title><style>{STYLE}</style></head><body>"]
    for kind, *content in blocks:
        match kind, content:
            case ("h1" | "h2" | "h3"), [text]:
                page.append(f"<{kind}>{html.escape(text)}</{kind}>")
            case "p", [text]:
                page.append(f"<p>{html.escape(text)}</p>")
            case "list", [items]:
                page.append("<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>")
            case "quote", [text]:
                page.append(f"<blockquote>{html.escape(text)}</blockquote>")
            case "details", [title, text]:
                page.append(f"<details><summary>{html.escape(title)}</summary><pre>{html.escape(text)}</pre></details>")
            case "table", [name, rows]:
                header_cells = "".join(f"<th>{html.escape(str(key))}</th>" for key in rows[0])
                body = "".join("<tr>" + "".join(cell(v) for v in row.values()) + "</tr>" for row in rows)
                page.append(f"<table class='{name}'><tr>{header_cells}</tr>{body}</table>")
            case "figures", [figures]:
                # A chart carries its title; a picture gets it as a caption.
                page.extend(
                    f"<figure><img src='plots/{f.file}' alt='{html.escape(f.caption)}'>"
                    + (f"<figcaption>{html.escape(f.caption)}</figcaption>" if f.is_image else "")
                    + "</figure>"
                    for f in figures
                )
    return "\n".join(page + ["</body></html>"])


def to_markdown(blocks):
    lines = []
    for kind, *content in blocks:
        match kind, content:
            case ("h1" | "h2" | "h3"), [text]:
                lines.append("#" * int(kind[1]) + f" {text}\n")
            case "p", [text]:
                lines.append(f"{text}\n")
            case "list", [items]:
                lines.append("".join(f"- {item}\n" for item in items))
            case "quote", [text]:
                lines.append(f"```text\n{text.rstrip()}\n```\n")
            case "details", [title, text]:
                lines.append(f"<details><summary>{title}</summary>\n\n```yaml\n{text.rstrip()}\n```\n\n</details>\n")
            case "table", [_, rows]:
                lines.append(markdown_table(list(rows[0]), [[cell_text(v).replace("|", "\\|") for v in row.values()] for row in rows]))
            case "figures", [figures]:
                lines.extend(f"![{f.caption}](plots/{f.file})\n" for f in figures)
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path("report"), help="directory to write (default: report)")
    parser.add_argument(
        "--revs", nargs="*", default=[], metavar="REV",
        help="compare these git revisions or DVC experiment names (two or more) instead of showing the workspace",
    )
    arguments = parser.parse_args()
    if len(arguments.revs) == 1:
        raise StageError(f"--revs {arguments.revs[0]}: give two or more revisions to compare, or none for the workspace")
    build(arguments.output, arguments.revs)


if __name__ == "__main__":
    run(main)
