"""What the History holds, as values: an entry to record, a row read back, a filter, the error.

Plain frozen dataclasses with no database in them, so they cross threads (the writer thread
records `HistoryEntry`s, the view reads `HistoryRow`s) and tests build them directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np

__all__ = ["HistoryError", "HistoryEntry", "HistoryRow", "HistoryFilter", "utc_iso"]


class HistoryError(Exception):
    """The history cannot be used (a message for people): unwritable folder, newer schema, closed."""


@dataclass(frozen=True, eq=False)
class HistoryEntry:
    """One answer to remember. `thumbnail` is JPEG bytes or RGB uint8 pixels (encoded when written)."""

    file_name: str  # the file's name, or "Pasted image 2"
    label: str
    confidence: float
    not_sure: bool
    probabilities: Mapping[str, float]  # class -> probability, in the model's label order
    model_name: str = ""
    model_path: str = ""
    path: str | None = None  # the image file; None for pasted images
    display_name: str | None = None
    created: datetime | str | None = None  # None: now
    thumbnail: bytes | np.ndarray | None = None
    looks_like: str | None = None  # none of the classes: what the ImageNet check saw ("espresso")

    @classmethod
    def from_prediction(
        cls,
        prediction: Any,
        *,
        name: str,
        path: str | None = None,
        model_name: str = "",
        model_path: str = "",
        thumbnail: bytes | np.ndarray | None = None,
        created: datetime | str | None = None,
    ) -> HistoryEntry:
        """From a core.predictor.Prediction (anything with labels, probabilities, index, not_sure;
        its looks_like if it has one)."""
        labels = tuple(prediction.labels)
        probabilities = tuple(float(p) for p in prediction.probabilities)
        index = int(prediction.index)
        return cls(
            file_name=name,
            label=labels[index],
            confidence=probabilities[index],
            not_sure=bool(prediction.not_sure),
            probabilities=dict(zip(labels, probabilities)),
            model_name=model_name or "",
            model_path=model_path or "",
            path=path,
            created=created,
            thumbnail=thumbnail,
            looks_like=getattr(prediction, "looks_like", None) or None,
        )


@dataclass(frozen=True)
class HistoryRow:
    """One stored entry, as read back (without its thumbnail: see `HistoryStore.thumbnail`)."""

    id: int
    path: str | None
    folder: str
    file_name: str
    display_name: str | None
    label: str
    confidence: float
    not_sure: bool
    probabilities: Mapping[str, float]
    model_name: str
    model_path: str
    created: str  # UTC, ISO 8601
    looks_like: str | None = None

    @property
    def name(self) -> str:
        """What the user calls it: the display name if given, else the file name."""
        return self.display_name or self.file_name

    @property
    def created_at(self) -> datetime:
        return datetime.fromisoformat(self.created)

    def to_prediction(self):
        """The stored answer as a core.predictor.Prediction."""
        # Imported here: the predictor module is the TensorFlow side of the core.
        from infinityvision_desktop.core.predictor import Prediction

        labels = tuple(self.probabilities) or (self.label,)
        probabilities = (
            tuple(float(self.probabilities.get(name, 0.0)) for name in labels)
            if self.probabilities
            else (float(self.confidence),)
        )
        index = labels.index(self.label) if self.label in labels else int(np.argmax(probabilities))
        return Prediction(
            labels=labels,
            probabilities=probabilities,
            index=index,
            not_sure=bool(self.not_sure),
            looks_like=self.looks_like,
        )


@dataclass(frozen=True)
class HistoryFilter:
    """What the History view shows: every field None means "any"."""

    text: str | None = None  # part of the file (or display) name, any case
    label: str | None = None
    model: str | None = None  # a model name
    not_sure: bool | None = None
    since: datetime | str | None = None  # inclusive
    until: datetime | str | None = None  # exclusive

    def kwargs(self) -> dict:
        return {
            "text": self.text,
            "label": self.label,
            "model": self.model,
            "not_sure": self.not_sure,
            "since": self.since,
            "until": self.until,
        }


def utc_iso(moment: datetime | str | None = None) -> str:
    """A time as the store keeps it: UTC, ISO 8601 with microseconds, so text order is time order.

    Naive datetimes are taken as UTC; strings are parsed as ISO 8601.
    """
    if moment is None:
        moment = datetime.now(timezone.utc)
    elif isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")
