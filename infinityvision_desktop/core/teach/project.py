"""A teach project: a folder with one sub-folder of images per class.

The same class-per-folder layout `core.datasets` reads, so a project can be made in a file
manager and any such folder can be opened as a project. Images are always copied in, never
moved: the user's photo library is not ours to rearrange. Beside the class folders:
- ``corrections.json``: images that went in as corrections of a wrong answer,
  {"<class>/<file>": {"from": answer, "to": class, "when": ISO time}};
  an image a model answered (an `AnsweredImage`: a Classify row, a History entry) that goes into
  another class than its answer is one;
- ``model.h5``: the last model trained from the project (by default).
Both are files at the top level, which dataset scans skip (only files inside class folders count).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from infinityvision_desktop.core.atomic import write_text
from infinityvision_desktop.core.datasets import SPLIT_NAMES
from infinityvision_desktop.core.images import find_images, is_image_path
from infinityvision_desktop.core.sorting import copy_without_overwriting

MIN_IMAGES = 5  # per class, to train at all (cross-validation needs a few to hold out)
RECOMMENDED_IMAGES = 20  # per class, for answers people can rely on
CORRECTIONS_FILE = "corrections.json"
MODEL_FILE = "model.h5"
_FORBIDDEN_CHARS = set('/\\:*?"<>|') | {chr(c) for c in range(32)}


class TeachError(Exception):
    """Something about a project the user can fix, with a reason for people."""

    def __init__(self, path: str | os.PathLike | None, reason: str):
        self.path = os.fspath(path) if path is not None else None
        self.reason = reason
        super().__init__(f"{Path(self.path).name if self.path else 'project'}: {reason}")


@dataclass(frozen=True)
class ClassStatus:
    """One class of a project: its images (file names, sorted) and how many more it needs."""

    name: str
    images: tuple[str, ...]
    corrections: int = 0

    @property
    def count(self) -> int:
        return len(self.images)

    @property
    def needs(self) -> int:
        """Images still missing before the project can train."""
        return max(0, MIN_IMAGES - self.count)

    @property
    def recommended_more(self) -> int:
        return max(0, RECOMMENDED_IMAGES - self.count)


@dataclass(frozen=True)
class AddReport:
    """What `add_images` did: the copies made and the files left out, with reasons."""

    copied: tuple[Path, ...]
    skipped: tuple[tuple[str, str], ...] = ()
    renamed: int = 0  # copies given a " (n)" name because the name was taken


@dataclass(frozen=True)
class AnsweredImage:
    """An image a model answered, to copy into a class: its file, or its encoded bytes when there is
    no file (a pasted image, the History's thumbnail of a photo that is gone)."""

    answer: str  # the class the model gave
    file_name: str  # the copy's name when it is made from `data`
    path: str | None = None
    data: bytes | None = None


def check_class_name(name: str) -> str:
    """The name, stripped, or TeachError saying why it cannot name a class folder."""
    name = name.strip()
    if not name:
        raise TeachError(None, "a class needs a name")
    if name in (".", "..") or name.startswith("."):
        raise TeachError(None, f"'{name}' cannot name a class (names starting with '.' are hidden)")
    if name.lower() in SPLIT_NAMES:
        # class-per-folder readers take train/ and test/ for splits of the data, not for classes
        raise TeachError(None, f"'{name}' cannot name a class: it means a split of the data")
    bad = sorted(set(name) & _FORBIDDEN_CHARS)
    if bad:
        shown = " ".join(repr(c) if c.isprintable() else "a control character" for c in bad)
        raise TeachError(None, f"'{name}' cannot name a class: it contains {shown}")
    if len(name) > 120:
        raise TeachError(None, "a class name is limited to 120 characters")
    return name


class TeachProject:
    """A project folder. Methods raise TeachError for anything a user can cause."""

    def __init__(self, folder: str | os.PathLike):
        self.folder = Path(folder)

    # --- create and open ---

    @classmethod
    def create(cls, folder: str | os.PathLike, classes: Iterable[str] = ()) -> TeachProject:
        """A new project in `folder` (new or empty, or already a class-per-folder project)."""
        folder = Path(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TeachError(folder, f"the folder cannot be created ({exc.strerror or exc})") from None
        project = cls(folder)
        for name in classes:
            if name not in project.classes():
                project.add_class(name)
        return project

    @classmethod
    def open(cls, folder: str | os.PathLike) -> TeachProject:
        folder = Path(folder)
        if not folder.is_dir():
            raise TeachError(folder, "not found" if not folder.exists() else "is not a folder")
        if any(child.is_dir() and child.name.lower() in SPLIT_NAMES for child in folder.iterdir()):
            raise TeachError(folder, "holds train/ and test/ splits: open the folder of classes inside one of them")
        return cls(folder)

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def model_path(self) -> Path:
        return self.folder / MODEL_FILE

    # --- classes ---

    def classes(self) -> list[str]:
        """Class folder names, sorted as the dataset reader sorts them (so as the model's labels)."""
        try:
            return sorted(
                child.name for child in self.folder.iterdir() if child.is_dir() and not child.name.startswith(".")
            )
        except OSError as exc:
            raise TeachError(self.folder, f"cannot be read ({exc.strerror or exc})") from None

    def add_class(self, name: str) -> str:
        name = check_class_name(name)
        if _casefold_in(name, self.classes()):
            raise TeachError(self.folder, f"there is already a class '{name}'")
        try:
            (self.folder / name).mkdir()
        except OSError as exc:
            raise TeachError(self.folder, f"class '{name}' cannot be created ({exc.strerror or exc})") from None
        return name

    def rename_class(self, old: str, new: str) -> str:
        new = check_class_name(new)
        self._require_class(old)
        others = [c for c in self.classes() if c != old]
        if _casefold_in(new, others):
            raise TeachError(self.folder, f"there is already a class '{new}'")
        corrections = self.corrections()  # before the rename: it lists files that exist
        try:
            (self.folder / old).rename(self.folder / new)
        except OSError as exc:
            raise TeachError(self.folder, f"'{old}' cannot be renamed ({exc.strerror or exc})") from None
        moved = {}
        for key, entry in corrections.items():
            folder, file_name = key.split("/", 1)
            if folder == old:
                key, entry = f"{new}/{file_name}", {**entry, "to": new}
            moved[key] = entry
        if moved != corrections:
            self._write_corrections(moved)
        return new

    def delete_class(self, name: str) -> None:
        """Remove the class folder and its images (copies made by the project)."""
        self._require_class(name)
        try:
            shutil.rmtree(self.folder / name)
        except OSError as exc:
            raise TeachError(self.folder, f"'{name}' cannot be deleted ({exc.strerror or exc})") from None
        corrections = self.corrections()
        kept = {key: entry for key, entry in corrections.items() if key.split("/", 1)[0] != name}
        if kept != corrections:
            self._write_corrections(kept)

    # --- images ---

    def images(self, name: str) -> list[Path]:
        """The class's image files, sorted by name (files directly inside its folder)."""
        folder = self.folder / name
        try:
            return sorted(
                (p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".") and is_image_path(p.name)),
                key=lambda p: p.name,
            )
        except FileNotFoundError:
            raise TeachError(self.folder, f"there is no class '{name}'") from None
        except OSError as exc:
            raise TeachError(self.folder, f"'{name}' cannot be read ({exc.strerror or exc})") from None

    def add_images(self, name: str, paths: Iterable[str | os.PathLike]) -> AddReport:
        """Copy image files, and the images inside folders (recursively), into a class."""
        self._require_class(name)
        files, _ = find_images([os.fspath(p) for p in paths])
        copied, skipped, renamed = [], [], 0
        for path in files:
            if not is_image_path(path):
                skipped.append((path, "not an image file (by its name)"))
                continue
            if not os.path.isfile(path):
                skipped.append((path, "not found"))
                continue
            try:
                target, was_renamed = copy_without_overwriting(path, self.folder / name)
            except OSError as exc:
                skipped.append((path, f"not copied: {exc.strerror or exc}"))
                continue
            copied.append(target)
            renamed += was_renamed
        return AddReport(tuple(copied), tuple(skipped), renamed)

    def add_image_data(self, name: str, data: bytes, file_name: str = "pasted.png") -> Path:
        """Write encoded image bytes (a paste, a drop from a browser) into a class."""
        self._require_class(name)
        return self._write_image_data(name, data, file_name)[0]

    def _write_image_data(self, name: str, data: bytes, file_name: str) -> tuple[Path, bool]:
        with tempfile.TemporaryDirectory() as scratch:
            source = Path(scratch) / Path(file_name).name
            source.write_bytes(data)
            try:
                return copy_without_overwriting(source, self.folder / name)
            except OSError as exc:
                raise TeachError(self.folder, f"the image cannot be written ({exc.strerror or exc})") from None

    def remove_images(self, paths: Iterable[str | os.PathLike]) -> None:
        """Delete images of the project (only files inside its class folders)."""
        corrections = self.corrections()
        for path in paths:
            path = Path(path)
            if path.parent.parent.resolve() != self.folder.resolve():
                raise TeachError(path, "is not an image of this project")
            path.unlink(missing_ok=True)
            corrections.pop(self._key(path), None)
        self._write_corrections(corrections)

    # --- corrections ---

    def add_correction(self, source: str | os.PathLike, *, answer: str, correct: str) -> Path:
        """Copy an image file the model answered wrongly (`answer`) into its right class, and mark it."""
        return self.add_corrected(AnsweredImage(answer, Path(source).name, path=os.fspath(source)), correct)

    def add_corrected(self, image: AnsweredImage, correct: str) -> Path:
        """Copy an answered image into its right class (created if needed: a class can be deleted
        since the model learnt it), marked as a correction; TeachError if it cannot be copied."""
        if correct not in self.classes():
            self.add_class(correct)
        report = self.add_answered(correct, [image])
        if not report.copied:
            raise TeachError(image.path or image.file_name, report.skipped[0][1])
        return report.copied[0]

    def add_answered(self, name: str, images: Iterable[AnsweredImage]) -> AddReport:
        """Copy images a model answered into class `name`. Each it answered as another class is marked
        as a correction of that answer (the next training weighs it more); one it got right is just
        another photo of the class."""
        self._require_class(name)
        copied, skipped, renamed, wrong = [], [], 0, {}
        for image in images:
            try:
                target, was_renamed = self._copy_answered(name, image)
            except TeachError as exc:
                skipped.append((image.path or image.file_name, exc.reason))
                continue
            copied.append(target)
            renamed += was_renamed
            if image.answer != name:
                wrong[target] = image.answer
        self._mark_corrections(wrong, name)
        return AddReport(tuple(copied), tuple(skipped), renamed)

    def _copy_answered(self, name: str, image: AnsweredImage) -> tuple[Path, bool]:
        if image.path is None:
            if image.data is None:
                raise TeachError(None, "no image to copy")
            return self._write_image_data(name, image.data, image.file_name)
        if not is_image_path(image.path):
            raise TeachError(image.path, "not an image file (by its name)")
        if not os.path.isfile(image.path):
            raise TeachError(image.path, "not found")
        try:
            return copy_without_overwriting(image.path, self.folder / name)
        except OSError as exc:
            raise TeachError(image.path, f"not copied: {exc.strerror or exc}") from None

    def mark_correction(self, path: str | os.PathLike, *, answer: str, correct: str) -> None:
        self._mark_corrections({Path(path): answer}, correct)

    def _mark_corrections(self, answers: dict[Path, str], correct: str) -> None:
        """Record copies in class `correct` as corrections of these answers (one write for them all)."""
        if not answers:
            return
        corrections = self.corrections()
        when = datetime.now(timezone.utc).isoformat(timespec="seconds")
        for path, answer in answers.items():
            corrections[self._key(Path(path))] = {"from": answer, "to": correct, "when": when}
        self._write_corrections(corrections)

    def corrections(self) -> dict[str, dict]:
        """ "<class>/<file>" -> {"from", "to", "when"} for every correction whose file still exists."""
        path = self.folder / CORRECTIONS_FILE
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}  # a damaged record loses the marks, never the images
        if not isinstance(raw, dict):
            return {}
        return {
            key: entry
            for key, entry in raw.items()
            if isinstance(key, str) and isinstance(entry, dict) and (self.folder / key).is_file()
        }

    # --- status ---

    def status(self) -> list[ClassStatus]:
        corrected: dict[str, int] = {}
        for key in self.corrections():
            corrected[key.split("/", 1)[0]] = corrected.get(key.split("/", 1)[0], 0) + 1
        return [
            ClassStatus(name, tuple(p.name for p in self.images(name)), corrected.get(name, 0))
            for name in self.classes()
        ]

    def readiness(self) -> str:
        """'' when the project can be trained, else what is missing, for people."""
        return readiness_message(self.status())

    # --- helpers ---

    def _require_class(self, name: str) -> None:
        if name not in self.classes():
            raise TeachError(self.folder, f"there is no class '{name}'")

    def _key(self, path: Path) -> str:
        return f"{path.parent.name}/{path.name}"

    def _write_corrections(self, corrections: dict) -> None:
        path = self.folder / CORRECTIONS_FILE
        if not corrections:
            path.unlink(missing_ok=True)
            return
        try:
            write_text(path, json.dumps(corrections, indent=1, ensure_ascii=False))
        except OSError as exc:
            raise TeachError(path, f"cannot be written ({exc.strerror or exc})") from None


def readiness_message(status: list[ClassStatus]) -> str:
    """'' when every class has enough images and there are two classes at least."""
    if len(status) < 2:
        return "add at least two classes"
    short = [f"'{c.name}' needs {c.needs} more" for c in status if c.needs]
    if short:
        return f"each class needs at least {MIN_IMAGES} images: " + ", ".join(short)
    return ""


def _casefold_in(name: str, names: Iterable[str]) -> bool:
    # case-insensitive file systems (Windows, macOS) treat "Cat" and "cat" as one folder
    return name.casefold() in {n.casefold() for n in names}
