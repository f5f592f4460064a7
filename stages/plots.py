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


def line_panels(rows, x, panels, path):
    """Side-by-side line charts of columns of `rows` (a list of dicts) against column `x`.

    `panels` is {panel title: [column, ...]}: one panel per entry, one line per column.
    """
    figure, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.6), squeeze=False)
    xs = [row[x] for row in rows]
    for axis, (title, columns) in zip(axes[0], panels.items()):
        for column in columns:
            axis.plot(xs, [row[column] for row in rows], marker="o", label=column)
        axis.set_title(title, fontsize=10)
        axis.set_xlabel(x)
        axis.grid(alpha=0.3)
        axis.legend(fontsize=8)
    figure.tight_layout()
    save_figure(figure, path)


def scatter_panels(panels, labels, path, title):
    """Side-by-side 2-D scatter plots ({panel title: points (N, 2)}), every point coloured by its class label."""
    figure, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 4.2), squeeze=False)
    for axis, (name, points) in zip(axes[0], panels.items()):
        scatter = axis.scatter(points[:, 0], points[:, 1], c=labels, cmap="tab10", vmin=-0.5, vmax=9.5, s=3)
        axis.set_title(name, fontsize=10)
        axis.set_xticks([])
        axis.set_yticks([])
    figure.colorbar(scatter, ax=list(axes[0]), ticks=range(10), label="digit", fraction=0.02)
    figure.suptitle(title, fontsize=10)
    save_figure(figure, path)


def confusion_heatmap(matrix, class_names, path, title):
    """A seaborn heatmap of a confusion matrix (rows actual, columns predicted), counts annotated."""
    import seaborn as sns

    figure, axis = plt.subplots(figsize=(4.6, 3.8))
    sns.heatmap(
        matrix, annot=True, fmt="d", cmap="Blues", cbar=False, square=True,
        xticklabels=class_names, yticklabels=class_names, ax=axis,
    )
    axis.set_xlabel("predicted")
    axis.set_ylabel("actual")
    axis.set_title(title, fontsize=10)
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
