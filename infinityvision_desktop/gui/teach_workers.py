"""The Teach tab's background work, on the app's one worker pattern (gui.workers).

- `TeachWorker`: long-lived, like the inference worker, because it owns a model: it loads the
  ImageNet backbone in its thread (TensorFlow is imported there), keeps it and the feature cache
  between runs, so a retrain after one more photo runs only that photo through the backbone, and
  answers the try-it panel from the head it fitted last, without loading the saved file.
- `CopyImagesWorker`, `ThumbnailWorker`, `CopyFileWorker`: one thread per job; copying a folder of
  photos or decoding their thumbnails on the GUI thread would freeze the window for seconds.

Workers touch no widget: they emit values (TeachResult, Prediction, numpy thumbnails, strings).
"""

from __future__ import annotations

import itertools
import logging
import os
from dataclasses import dataclass

import numpy as np
from PIL import Image
from PySide6.QtCore import Signal

from infinityvision_desktop.core.atomic import copy_file
from infinityvision_desktop.core.images import ImageLoadError, load_image
from infinityvision_desktop.core.images import thumbnail as fit_thumbnail
from infinityvision_desktop.gui.workers import CommandWorker, ImageItem, Worker, freeze_library_objects

log = logging.getLogger(__name__)

THUMBNAIL_SIDE = 96
THUMBNAIL_BATCH = 12  # thumbnails per signal: the grid fills in steps, not one repaint per image


@dataclass(frozen=True)
class _Prepare:
    pass


@dataclass(frozen=True)
class _Train:
    folder: str
    generation: int


_TRY = object()  # wakes the loop: a try-it request is waiting


class TeachWorker(CommandWorker):
    """Trains teach models and answers try-it photos. Call its public methods from any thread."""

    sig_backbone_ready = Signal()
    """The ImageNet backbone is loaded: training and trying start at once from now on."""
    sig_progress = Signal(str, int, int)
    """A training run's stage ("features", "fit", "save"), done and total; on visible changes only."""
    sig_trained = Signal(str, object)
    """A run finished: the project folder and its core.teach.trainer.TeachResult (stopped ones too)."""
    sig_train_failed = Signal(str, str)
    """A run could not train: the project folder and the reason, for people."""
    sig_answer = Signal(int, object)
    """A try-it photo's answer: the request id and its core.predictor.Prediction."""
    sig_answer_failed = Signal(int, str)
    """No answer for a try-it photo: the request id and the reason."""
    sig_heatmap = Signal(int, object)
    """After sig_answer: the request id and where the model looked (core.explain.Explanation)."""

    def __init__(self, *, cache_folder: str | os.PathLike | None = None) -> None:
        super().__init__()
        self._cache_folder = cache_folder
        self._generation = 0  # a cancel voids the run under way and any queued before it
        self._request_ids = itertools.count(1)
        self._pending_try: tuple[int, str, ImageItem, bool] | None = None
        self._teacher = None  # core.teach.trainer.Teacher: lives and dies in this thread
        self._heads: dict[str, tuple] = {}  # project folder -> (LinearHead, ModelMetadata) of its last run
        self._grad_cams: dict[str, tuple[object, object]] = {}  # project folder -> (Keras model, its GradCam)
        self._predictors: dict[str, tuple[int, object]] = {}  # model file -> (mtime_ns, Predictor)
        self._last_percent: tuple[str, int] | None = None

    # --- called from the GUI thread (thread-safe) ---

    def prepare(self) -> None:
        """Load the backbone now (when a project is opened), so the first Train does not wait for it."""
        self.post(_Prepare())

    def train(self, folder: str | os.PathLike) -> None:
        with self._lock:
            generation = self._generation
        self.post(_Train(os.fspath(folder), generation))

    def cancel_training(self) -> None:
        with self._lock:
            self._generation += 1

    def try_image(self, folder: str | os.PathLike, item: ImageItem, *, heatmap: bool = False) -> int:
        """Answer one photo with the project's latest model (and its heatmap if asked: the first one
        of a model traces Grad-CAM, which is slow); only the latest request is answered."""
        with self._lock:
            request = (next(self._request_ids), os.fspath(folder), item, heatmap)
            self._pending_try = request
        self.post(_TRY)
        return request[0]

    def request_stop(self) -> None:
        self.cancel_training()
        super().request_stop()

    # --- the worker thread ---

    def handle(self, command: object) -> None:
        if command is _TRY:
            self._serve_try()
        elif isinstance(command, _Prepare):
            self._loaded_teacher()
        elif isinstance(command, _Train):
            self._train(command)

    def command_failed(self, command: object, exc: Exception) -> None:
        if isinstance(command, _Train):
            self.sig_train_failed.emit(command.folder, f"an unexpected error ({type(exc).__name__}: {exc})")

    def release(self) -> None:
        self._teacher = None
        self._predictors.clear()

    def _loaded_teacher(self):
        if self._teacher is None:
            from infinityvision_desktop.core.teach.trainer import Teacher

            freeze_library_objects()
            teacher = Teacher(cache_folder=self._cache_folder)
            teacher.extractor  # noqa: B018 - loads the backbone here, in this thread
            self._teacher = teacher
            self.sig_backbone_ready.emit()
        return self._teacher

    def _is_void(self, command: _Train) -> bool:
        return command.generation != self._generation or self.should_stop()

    def _train(self, command: _Train) -> None:
        from infinityvision_desktop.core.datasets import DatasetError
        from infinityvision_desktop.core.modelfile import ModelFileError
        from infinityvision_desktop.core.teach import TeachError

        if self._is_void(command):
            return
        self._last_percent = None
        try:
            teacher = self._loaded_teacher()
            result = teacher.teach(
                command.folder, on_progress=self._progress, should_stop=lambda: self._is_void(command)
            )
        except (TeachError, DatasetError, ModelFileError) as exc:
            self.sig_train_failed.emit(command.folder, getattr(exc, "reason", None) or str(exc))
            return
        if result.model_path is not None:
            self._heads[command.folder] = (result.head, result.metadata)
        self.sig_trained.emit(command.folder, result)

    def _progress(self, stage: str, done: int, total: int) -> None:
        percent = (stage, done * 100 // max(total, 1))
        if percent != self._last_percent:
            self._last_percent = percent
            self.sig_progress.emit(stage, done, total)
        if self._pending_try is not None and stage == "features":
            self._serve_try()  # a try-it photo does not wait for the rest of a long run

    def _serve_try(self) -> None:
        with self._lock:
            request, self._pending_try = self._pending_try, None
        if request is None:
            return
        request_id, folder, item, heatmap = request
        try:
            rgb = _decode(item)
            prediction = self._answer(folder, rgb)
        except ImageLoadError as exc:
            self.sig_answer_failed.emit(request_id, str(exc))
            return
        except LookupError as exc:
            self.sig_answer_failed.emit(request_id, str(exc.args[0]))
            return
        self.sig_answer.emit(request_id, prediction)
        if heatmap and self._pending_try is None:  # a newer photo waits: its answer first, no heatmap here
            self._explain(request_id, folder, rgb)

    def _explain(self, request_id: int, folder: str, rgb: np.ndarray) -> None:
        """Grad-CAM of the answer, from the model in memory (the backbone and the fitted head)."""
        from infinityvision_desktop.core.explain import ExplainError, GradCam

        try:
            if folder in self._heads:
                head, metadata = self._heads[folder]
                # the same Keras model for every head of this many classes (Teacher.build_model sets
                # the weights), so the traced Grad-CAM is reused; only the labels must be this head's
                model = self._loaded_teacher().build_model(head, len(metadata.labels))
                cached = self._grad_cams.get(folder)
                if cached is None or cached[0] is not model or cached[1].labels != tuple(metadata.labels):
                    cached = (model, GradCam(model, metadata))
                    self._grad_cams[folder] = cached
                grad_cam = cached[1]
            else:
                predictor = self._predictors[os.path.join(folder, _model_file())][1]
                grad_cam = GradCam.for_predictor(predictor)
            explanation = grad_cam.explain(rgb)
        except (ExplainError, KeyError):
            return  # the answer stands without its heatmap
        self.sig_heatmap.emit(request_id, explanation)

    def _answer(self, folder: str, rgb: np.ndarray):
        if folder in self._heads:
            head, metadata = self._heads[folder]
            return self._loaded_teacher().answer(head, metadata, [rgb])[0]
        from infinityvision_desktop.core.modelfile import ModelFileError
        from infinityvision_desktop.core.predictor import Predictor
        from infinityvision_desktop.core.teach.project import MODEL_FILE

        path = os.path.join(folder, MODEL_FILE)
        try:
            stamp = os.stat(path).st_mtime_ns
        except OSError:
            raise LookupError("no model yet: press Train first") from None
        cached = self._predictors.get(path)
        if cached is None or cached[0] != stamp:
            freeze_library_objects()
            try:
                cached = (stamp, Predictor.load(path))
            except ModelFileError as exc:
                raise LookupError(f"the project's model cannot be used: {exc.reason}") from None
            self._predictors[path] = cached
        return cached[1].predict([rgb])[0]


def _model_file() -> str:
    from infinityvision_desktop.core.teach.project import MODEL_FILE

    return MODEL_FILE


def _decode(item: ImageItem) -> np.ndarray:
    if isinstance(item.source, np.ndarray):
        return item.source
    name = item.name if isinstance(item.source, bytes) else None
    return load_image(item.source, name=name, draft_size=(224, 224))


# ---------------------------------------------------------------- one-shot jobs


class CopyImagesWorker(Worker):
    """Copies image files and folders (or pasted image bytes, or classified images: `answered`, marked as
    corrections where the model said another class) into a class of a project."""

    sig_copied = Signal(str, object)
    """The class and the core.teach.AddReport (copies made, files skipped with reasons)."""
    sig_failed = Signal(str)
    """Nothing could be copied: the reason."""

    def __init__(
        self,
        folder: str,
        class_name: str,
        paths: list[str] = (),
        data: bytes | None = None,
        data_name: str = "pasted.png",
        answered: list = (),
    ) -> None:
        super().__init__()
        self.folder, self.class_name, self.paths = folder, class_name, list(paths)
        self.data, self.data_name = data, data_name
        self.answered = list(answered)  # core.teach.project.AnsweredImage

    def work(self) -> None:
        from infinityvision_desktop.core.teach import AddReport, TeachError, TeachProject

        project = TeachProject(self.folder)
        try:
            if self.data is not None:
                report = AddReport((project.add_image_data(self.class_name, self.data, self.data_name),))
            elif self.answered:
                report = project.add_answered(self.class_name, self.answered)
            else:
                report = project.add_images(self.class_name, self.paths)
        except TeachError as exc:
            self.sig_failed.emit(exc.reason)
            return
        self.sig_copied.emit(self.class_name, report)


class ThumbnailWorker(Worker):
    """Small RGB thumbnails of image files, in batches; unreadable files get None."""

    sig_thumbnails = Signal(object)
    """A tuple of (path, RGB uint8 array or None)."""

    def __init__(self, paths: list[str], side: int = THUMBNAIL_SIDE) -> None:
        super().__init__()
        self.paths, self.side = list(paths), side

    def work(self) -> None:
        batch = []
        for path in self.paths:
            if self.should_stop():
                return
            batch.append((path, thumbnail(path, self.side)))
            if len(batch) == THUMBNAIL_BATCH:
                self.sig_thumbnails.emit(tuple(batch))
                batch = []
        if batch:
            self.sig_thumbnails.emit(tuple(batch))


def thumbnail(path: str, side: int = THUMBNAIL_SIDE) -> np.ndarray | None:
    try:
        # draft mode: a large JPEG decodes at 1/8 scale, plenty for a 96 px picture and far faster
        rgb = load_image(path, draft_size=(side, side))
    except ImageLoadError:
        return None
    image = Image.fromarray(rgb)
    if max(image.size) < side:  # a small image (CIFAR's 32 px) fills its cell like a photo's does
        scale = side / max(image.size)
        return np.asarray(
            image.resize(
                (max(1, round(image.width * scale)), max(1, round(image.height * scale))), Image.Resampling.BICUBIC
            )
        )
    return fit_thumbnail(rgb, side)


class CopyFileWorker(Worker):
    """Copies a model file to where the user saves it; a full disk leaves the old file there whole."""

    sig_done = Signal(str)
    """The file was written: its path."""
    sig_failed = Signal(str)
    """The reason it could not be written."""

    def __init__(self, source: str, target: str) -> None:
        super().__init__()
        self.source, self.target = source, target

    def work(self) -> None:
        try:
            copy_file(self.source, self.target)
        except OSError as exc:
            self.sig_failed.emit(f"{os.path.basename(self.target)}: {exc.strerror or exc}")
            return
        self.sig_done.emit(self.target)
