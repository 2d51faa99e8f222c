"""An evaluation report on disk: charts as PNG, every image's prediction as CSV, the scores as text and JSON.

Used by `infinityvision evaluate --report DIR` and the Evaluation tab's Save Report. Drawn with
matplotlib's `Figure` and no GUI backend (`savefig` picks Agg for PNG), so it runs without a
display; the charts look like the app's (same colours, same layout of the confusion matrix).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from infinityvision_desktop.core.atomic import atomic_path
from infinityvision_desktop.core.folder_evaluation import FolderEvaluation, thumbnail_rgb

TEXT_COLOUR = "#2b2f36"
MUTED_COLOUR = "#6b7280"
PRECISION_COLOUR, RECALL_COLOUR, F1_COLOUR = "#9db7e6", "#2f6fd6", "#1a9c4b"
WRONG_COLOUR = "#b3261e"
GALLERY_LIMIT = 48  # mistakes shown in misclassified.png; the CSV lists all of them
GALLERY_COLUMNS = 8

REPORT_FILES = (
    "confusion_matrix.png",
    "per_class.png",
    "misclassified.png",
    "predictions.csv",
    "report.txt",
    "evaluation.json",
)


class ReportError(Exception):
    """The report could not be written, with the folder or file and the reason."""


def write_report(result: FolderEvaluation, folder: str | os.PathLike, *, model_name: str = "") -> list[Path]:
    """Write REPORT_FILES into `folder` (created if needed); returns their paths. Raises ReportError."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"{folder}: the folder cannot be created ({exc.strerror or exc})") from None
    title = f"{model_name} on {Path(result.source).name}" if model_name else Path(result.source).name
    writers = {
        "confusion_matrix.png": lambda path: _save(confusion_figure(result, title), path),
        "per_class.png": lambda path: _save(per_class_figure(result, title), path),
        "misclassified.png": lambda path: _save(gallery_figure(result, title), path),
        "predictions.csv": lambda path: path.write_bytes(result.predictions_csv().encode("utf-8-sig")),
        "report.txt": lambda path: path.write_text(report_text(result, model_name), encoding="utf-8"),
        "evaluation.json": lambda path: path.write_text(
            json.dumps(
                {
                    **result.evaluation.to_dict(),
                    "source": result.source,
                    "split": result.split,
                    "model": model_name,
                    "unreadable": [list(item) for item in result.unreadable],
                },
                indent=1,
            ),
            encoding="utf-8",
        ),
    }
    written = []
    for name in REPORT_FILES:
        target = folder / name
        try:
            # each file whole or not at all: a report opened while it is rewritten is never half new
            with atomic_path(target) as temp:
                writers[name](temp)
        except OSError as exc:
            raise ReportError(f"{target}: cannot be written ({exc.strerror or exc})") from None
        written.append(target)
    return written


def report_text(result: FolderEvaluation, model_name: str = "") -> str:
    ev = result.evaluation
    lines = [
        f"{model_name or 'model'} on {result.source} ({result.split}): accuracy {ev.accuracy:.2%} "
        f"on {ev.n} images, {len(result.mistakes())} misclassified, {len(result.unreadable)} unreadable",
        "",
        ev.report_text(),
    ]
    if result.unreadable:
        lines += ["Unreadable files:"] + [f"  {name}: {reason}" for name, reason in result.unreadable]
    return "\n".join(lines) + "\n"


def _save(figure, path: Path) -> None:
    figure.savefig(path, format="png", dpi=110, facecolor="white")


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=110, facecolor="white", layout="constrained")


def confusion_figure(result: FolderEvaluation, title: str = ""):
    """Counts, rows the true class and columns the predicted one, as the Model tab draws it."""
    labels, counts = result.labels, np.asarray(result.evaluation.confusion)
    n = len(labels)
    figure = _figure(1.6 + 0.55 * n, 1.4 + 0.5 * n)
    axes = figure.add_subplot()
    top = max(1, int(counts.max()))
    axes.imshow(counts, cmap="Blues", interpolation="nearest", aspect="equal", vmin=0, vmax=top)
    font = 8 if n <= 10 else 6 if n <= 20 else 4
    axes.set_xticks(range(n), labels, rotation=45, ha="right", rotation_mode="anchor", fontsize=font + 1)
    axes.set_yticks(range(n), labels, fontsize=font + 1)
    axes.set_xlabel("predicted", fontsize=9, color=MUTED_COLOUR)
    axes.set_ylabel("true class", fontsize=9, color=MUTED_COLOUR)
    axes.tick_params(length=0, colors=TEXT_COLOUR)
    for side in axes.spines.values():
        side.set_visible(False)
    for row in range(n):
        for col in range(n):
            value = int(counts[row, col])
            colour = "white" if value > 0.55 * top else (MUTED_COLOUR if value == 0 else TEXT_COLOUR)
            axes.text(col, row, str(value), ha="center", va="center", fontsize=font, color=colour)
    axes.set_title(
        f"{title}: accuracy {result.evaluation.accuracy:.1%} on {result.evaluation.n} images",
        fontsize=9,
        color=TEXT_COLOUR,
        loc="left",
    )
    return figure


def per_class_figure(result: FolderEvaluation, title: str = ""):
    """Precision, recall and F1 per class as grouped horizontal bars, support beside each name."""
    reports = result.evaluation.per_class
    n = len(reports)
    figure = _figure(7.0, 1.2 + 0.42 * n)
    axes = figure.add_subplot()
    positions = np.arange(n)
    for offset, (key, colour, name) in zip(
        (-0.27, 0.0, 0.27),
        (("precision", PRECISION_COLOUR, "precision"), ("recall", RECALL_COLOUR, "recall"), ("f1", F1_COLOUR, "F1")),
    ):
        axes.barh(positions + offset, [getattr(r, key) for r in reports], height=0.26, color=colour, label=name)
    axes.set_yticks(positions, [f"{r.label} ({r.support})" for r in reports], fontsize=8)
    axes.set_ylim(n - 0.5, -0.5)
    axes.set_xlim(0, 1)
    axes.tick_params(axis="x", labelsize=8)
    axes.set_xlabel("score (support in brackets)", fontsize=8, color=MUTED_COLOUR)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(fontsize=8, loc="lower right", frameon=False, ncols=3, bbox_to_anchor=(1.0, 1.0))
    axes.set_title(f"{title}: macro F1 {result.evaluation.macro_f1:.3f}", fontsize=9, color=TEXT_COLOUR, loc="left")
    return figure


def gallery_figure(result: FolderEvaluation, title: str = "", limit: int = GALLERY_LIMIT):
    """The most confident mistakes, each with its true and predicted class and the confidence."""
    mistakes = result.mistakes()
    shown = mistakes[:limit]
    columns = GALLERY_COLUMNS
    rows = max(1, -(-len(shown) // columns))
    figure = _figure(columns * 1.25, 0.5 + rows * 1.55)
    heading = f"{title}: {len(mistakes)} of {result.evaluation.n} images misclassified" + (
        f", the {len(shown)} most confident mistakes" if len(mistakes) > len(shown) else ", most confident first"
    )
    figure.suptitle(heading, fontsize=9, color=TEXT_COLOUR, x=0.01, ha="left")
    if not shown:
        axes = figure.add_subplot()
        axes.set_axis_off()
        axes.text(0.5, 0.5, "no mistakes", ha="center", va="center", fontsize=10, color=MUTED_COLOUR)
        return figure
    grid = figure.add_gridspec(rows, columns)
    for index, outcome in enumerate(shown):
        axes = figure.add_subplot(grid[index // columns, index % columns])
        axes.set_axis_off()
        picture = thumbnail_rgb(outcome)
        if picture is not None:
            axes.imshow(picture, interpolation="nearest" if max(picture.shape[:2]) <= 48 else "antialiased")
        axes.set_title(
            f"true {result.labels[outcome.true_index]}\n{result.labels[outcome.predicted_index]} "
            f"{outcome.confidence:.0%}",
            fontsize=7,
            color=WRONG_COLOUR,
            pad=2,
        )
    return figure
