"""The HTML template of DVC's plots pages (`dvc plots show` / `dvc plots diff`), with Vega, Vega-Lite and
Vega-Embed inlined from the installed vl-convert, so that the pages draw with no network.

Writing it also names it in .dvc/config.local (`plots.html_template`), so a checkout without it (an environment
not built by `make setup`) gets DVC's own page, which loads Vega from a CDN. DVC fills `{plot_divs}` and
`{refresh_tag}` by string replacement; the template has no `{scripts}`, which drops DVC's CDN script tags.
"""
import argparse
import subprocess
import sys
from pathlib import Path

from stages.cli import run
from stages.outputs import write_text

TEMPLATE = Path(".dvc/plots.html")
# Plots are drawn as SVG rather than Vega-Embed's default canvas: sharp at any zoom, and their titles,
# axis labels and legends are text in the page (searchable, and readable by a test). DVC gives a plot
# none of whose files the revisions shown have an empty spec; the page says so, and how to make them.
SNIPPET = """
const embed = vegaEmbed;
window.vegaEmbed = (selector, spec, options) => {
  if (spec.data !== undefined) return embed(selector, spec, { renderer: "svg", ...options });
  const note = document.createElement("p");
  note.className = "no-data";
  note.innerHTML = `<b>${selector.slice(1).replace(/_+/g, " ").trim()}</b>: no data in the revisions shown.
    <code>dvc repro</code> makes a plot's files; the DVCLive training curves under <code>plots/train/</code>
    are kept in DVC's cache, not in git, so a fresh clone gets them with <code>dvc pull</code> (or <code>dvc repro</code>).`;
  document.querySelector(selector).append(note);
  return Promise.resolve(null);
};
"""
PAGE = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
{refresh_tag}
<title>DVC plots</title>
<script>
BUNDLE
</script>
<style>
body { font-family: sans-serif; color: #222; margin: 1.5em; }
body > div { display: inline-block; vertical-align: top; margin: 0 1.5em 1.5em 0; }
body > div > div > p, body > div > p { font-weight: bold; margin: 0 0 0.3em; }
table { border-spacing: 15px; }
img { max-width: 640px; }
.no-data { max-width: 30em; color: #555; font-size: 0.9em; font-weight: normal; border: 1px dashed #bbb; padding: 0.6em; }
code { background: #f3f3f3; padding: 0 0.2em; }
</style>
</head>
<body>
{plot_divs}
</body>
</html>
"""


def page():
    import vl_convert

    # Inline, the script ends at the first "</script" anywhere in it; "<\/script" reads the same in JavaScript.
    return PAGE.replace("BUNDLE", vl_convert.javascript_bundle(SNIPPET).replace("</script", "<\\/script"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=TEMPLATE, help=f"file to write (default: {TEMPLATE})")
    output = parser.parse_args().output
    write_text(output, page())
    if output == TEMPLATE:
        # The path is relative to .dvc/.
        subprocess.run([sys.executable, "-m", "dvc", "config", "--local", "plots.html_template", TEMPLATE.name], check=True)


if __name__ == "__main__":
    run(main)
