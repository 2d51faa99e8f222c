"""Scoring a model on a labelled folder, image by image: what it got right, and what it got wrong.

A labelled folder is the training layout (``folder/<class>/*.jpg``, optionally under ``test/``;
a .tar.gz of it works too). Every image is decoded and resized exactly as the app and `classify`
do, classified with the model's calibration and test-time augmentation, and kept as an
`ImageOutcome` (its name, true and predicted class, probabilities and a small thumbnail), so
the GUI can show any cell of the confusion matrix and the most confident mistakes, and the
CLI can write a CSV of every prediction. The scores come from core.evaluation.

`evaluate_folder()` is headless (Orange's habit): the GUI's worker passes its signals' `emit`
and a stop flag, the CLI a terminal progress bar, tests recorders.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from infinityvision_desktop.core.classify import ImageItem, classify
from infinityvision_desktop.core.datasets import ALL, DatasetError, labelled_files, read_labelled_files
from infinityvision_desktop.core.evaluation import Evaluation, evaluate
from infinityvision_desktop.core.prediction_csv import PredictionRow, csv_text

THUMBNAIL_SIDE = 96  # pixels, long side: what the gallery shows
BATCH = 16  # images per predict call: progress moves and a stop is answered within one batch


def _noop(done: int, total: int) -> None:
    pass


def _never() -> bool:
    return False


@dataclass(frozen=True, eq=False)
class ImageOutcome:
    """One labelled image and the model's answer for it. A value: safe to send across threads."""

    name: str  # relative to the folder: "cat/0001.jpg"
    path: str | None  # the file on disk (None for a member of an archive)
    true_index: int
    predicted_index: int
    probabilities: tuple[float, ...]  # calibrated, in label order
    not_sure: bool
    thumbnail: bytes | None  # JPEG, long side <= THUMBNAIL_SIDE

    @property
    def confidence(self) -> float:
        return self.probabilities[self.predicted_index]

    @property
    def correct(self) -> bool:
        return self.true_index == self.predicted_index


@dataclass(frozen=True, eq=False)
class FolderEvaluation:
    """The scores and every image's outcome."""

    source: str
    split: str
    labels: tuple[str, ...]
    evaluation: Evaluation
    outcomes: tuple[ImageOutcome, ...]
    unreadable: tuple[tuple[str, str], ...]  # (name, reason)
    seconds: float

    def mistakes(self) -> list[ImageOutcome]:
        """Misclassified images, the most confident mistakes first."""
        return _most_confident_first(o for o in self.outcomes if not o.correct)

    def cell(self, true_index: int, predicted_index: int) -> list[ImageOutcome]:
        """The images of one confusion-matrix cell, the most confident first."""
        return _most_confident_first(
            o for o in self.outcomes if o.true_index == true_index and o.predicted_index == predicted_index
        )

    def predictions_csv(self) -> str:
        """Every image in the one prediction CSV layout (core.prediction_csv), with its name, true
        class and whether the answer was right; unreadable files last, with the reason."""
        rows = [
            PredictionRow(
                o.path or o.name,
                self.labels[o.predicted_index],
                o.confidence,
                o.not_sure,
                probabilities=dict(zip(self.labels, o.probabilities)),
                extra={"name": o.name, "true": self.labels[o.true_index], "correct": o.correct},
            )
            for o in self.outcomes
        ]
        rows += [PredictionRow(name, extra={"name": name}, error=reason) for name, reason in self.unreadable]
        return csv_text(rows, ("name", "true", "correct"))


def _most_confident_first(outcomes) -> list[ImageOutcome]:
    return sorted(outcomes, key=lambda o: (-o.confidence, o.name))


def choose_split(splits: set[str] | tuple[str, ...], wanted: str = "test") -> str | None:
    """The split to score: the one asked for, else a folder without splits (for "test" or "all")."""
    if wanted in splits:
        return wanted
    if ALL in splits and wanted in ("test", ALL):
        return ALL
    return None


def evaluate_folder(
    predictor,
    source,
    *,
    split: str = "test",
    thumbnail_side: int = THUMBNAIL_SIDE,
    threshold: float | None = None,
    on_progress: Callable[[int, int], None] = _noop,
    should_stop: Callable[[], bool] = _never,
) -> FolderEvaluation:
    """Classify every image of a labelled folder and score the answers.

    The folder's class names must be among the model's (matched exactly, else ignoring case);
    a folder with only some of them is fine. Unreadable files are listed, never fatal. Raises
    DatasetError for a folder that cannot be scored and InterruptedError when `should_stop()`
    says so. `on_progress(done, total)` is called after each batch. `threshold`: the user's "not
    sure" threshold (None: the model's).
    """
    started = time.perf_counter()
    source = Path(source)
    files = labelled_files(source)
    if not files:
        raise DatasetError(source, "no images found: expected one sub-folder of images per class")
    chosen = choose_split({f.split for f in files}, split)
    if chosen is None:
        raise DatasetError(source, f"has no '{split}' split (it has: {', '.join(sorted({f.split for f in files}))})")
    files = [f for f in files if f.split == chosen]
    labels = tuple(predictor.metadata.labels)
    index_of = _label_index(source, labels, sorted({f.label for f in files}))

    outcomes: list[ImageOutcome] = []
    unreadable: list[tuple[str, str]] = []
    total, done = len(files), 0
    is_folder = source.is_dir()

    def on_batch(results) -> None:
        nonlocal done
        for result in results:
            file = files[result.key]
            if result.error is not None:
                unreadable.append((file.name, result.reason or result.error))
                continue
            prediction = result.prediction
            outcomes.append(
                ImageOutcome(
                    name=file.name,
                    path=file.locator if is_folder else None,
                    true_index=index_of[file.label],
                    predicted_index=prediction.index,
                    probabilities=prediction.probabilities,
                    not_sure=prediction.not_sure,
                    thumbnail=_jpeg(result.thumbnail),
                )
            )
        done += len(results)
        on_progress(done, total)

    items = (ImageItem(key, data, file.name) for key, (file, data) in enumerate(read_labelled_files(source, files)))
    summary = classify(
        items,
        predictor,
        total=total,
        threshold=threshold,
        batch_size=BATCH,
        thumbnail_side=thumbnail_side,
        on_batch=on_batch,
        should_stop=should_stop,
    )
    if summary.stopped:
        raise InterruptedError("evaluation stopped")
    if not outcomes:
        raise DatasetError(
            source,
            f"none of the {total} image files could be read"
            + (f" (the first: {unreadable[0][0]}: {unreadable[0][1]})" if unreadable else ""),
        )
    scores = evaluate(np.array([o.probabilities for o in outcomes]), np.array([o.true_index for o in outcomes]), labels)
    return FolderEvaluation(
        str(source), chosen, labels, scores, tuple(outcomes), tuple(unreadable), time.perf_counter() - started
    )


def _label_index(source: Path, labels: tuple[str, ...], found: list[str]) -> dict[str, int]:
    exact = {label: i for i, label in enumerate(labels)}
    folded = {label.casefold(): i for i, label in enumerate(labels)}
    index, unknown = {}, []
    for name in found:
        if name in exact:
            index[name] = exact[name]
        elif name.casefold() in folded:
            index[name] = folded[name.casefold()]
        else:
            unknown.append(name)
    if unknown:
        names = ", ".join(f"'{name}'" for name in unknown)
        raise DatasetError(
            source,
            f"class folder{'s' if len(unknown) > 1 else ''} {names} "
            f"{'are' if len(unknown) > 1 else 'is'} not among the model's classes "
            f"({', '.join(labels)})",
        )
    return index


def _jpeg(rgb: np.ndarray | None) -> bytes | None:
    if rgb is None:
        return None
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, format="JPEG", quality=90)
    return out.getvalue()


def thumbnail_rgb(outcome: ImageOutcome) -> np.ndarray | None:
    """The outcome's thumbnail as RGB uint8 (for charts drawn without Qt)."""
    if outcome.thumbnail is None:
        return None
    with Image.open(io.BytesIO(outcome.thumbnail)) as image:
        return np.asarray(image.convert("RGB"))
