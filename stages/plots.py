"""Static figures (matplotlib, PNG) and DVC plot data files shared by the evaluators."""
import csv

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from stages.outputs import atomic_path  # noqa: E402


def image_rows(rows, path, side=28):
    """One labelled row per entry of `rows` ({label: images (N, side*side)}), same columns in every row."""
    labels = list(rows)
    columns = len(rows[labels[0]])
    figure, axes = plt.subplots(
        len(labels), columns, figsize=(columns * 0.9, len(labels) * 1.0), squeeze=False
    )
    for row, label in enumerate(labels):
        for column, image in enumerate(rows[label]):
            axis = axes[row][column]
            axis.imshow(image.reshape(side, side), cmap="gray", vmin=0, vmax=1)
            axis.set_xticks([])
            axis.set_yticks([])
        axes[row][0].set_ylabel(label, rotation=0, ha="right", va="center", fontsize=9)
    figure.tight_layout()
    save_figure(figure, path)


def save_figure(figure, path):
    with atomic_path(path) as temporary:
        figure.savefig(temporary, dpi=100)
    plt.close(figure)


def write_table(path, rows):
    """A CSV of dicts with the same keys: the data file of a DVC plot."""
    with atomic_path(path) as temporary, open(temporary, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
