"""The classifying session: the active model, the "not sure" threshold, the result rows and the jobs.

One observable place for the state every view shows (napari's `ViewerModel`: the data lives in
one object with events, the widgets observe it). The window, the Classify view, the status bar,
the Model tab, the training dialog, the About dialog and the tools read the session and
subscribe to its signals; nothing pushes the active model into them by hand.

The model itself lives in the inference worker's thread (gui.workers): the session sends it
commands and keeps what the worker reports (path, metadata, summary). Rows live in
`results` (a ResultsModel) and change on the GUI thread only.
"""

from __future__ import annotations

import collections
import dataclasses
import enum
import itertools
import os
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal, Slot

from infinityvision_desktop import paths
from infinityvision_desktop.core.images import find_images
from infinityvision_desktop.gui.settings import Settings
from infinityvision_desktop.gui.widgets.results_table import ResultRow, ResultsModel, RowState
from infinityvision_desktop.gui.workers import ImageItem, InferenceWorker, JobSummary, WorkerHandle

# Files added to the list per turn of the event loop: a 5,000-file drop is listed slice by slice
# (a few ms each) instead of blocking the window for a tenth of a second.
ADD_SLICE = 500


class ModelState(enum.Enum):
    NONE = "none"  # no model is active and none is loading
    LOADING = "loading"  # a load is under way (a previous model, if any, stays active until it succeeds)
    READY = "ready"


class ClassifySession(QObject):
    """The state of classifying, with a signal for each change. GUI thread only."""

    sig_model_state_changed = Signal()
    """`model_state`, the active model or its problem changed (loading, ready, failed)."""
    sig_model_ready = Signal(str, object)
    """A model became active: its path and its ModelMetadata."""
    sig_model_failed = Signal(str, str)
    """A model could not be loaded: its path and the reason. The previous model, if any, stays active."""
    sig_model_summary = Signal(str, object)
    """Soon after sig_model_ready: the active model's path and its core.summary.ModelSummary."""
    sig_rows_added = Signal(object, int)
    """Rows were listed: a tuple of ResultRow, and the key to select (0: none)."""
    sig_results = Signal(object, object)
    """A batch is in the rows: the ResultRows it changed and the ImageResults (core.classify)."""
    sig_rows_judged = Signal(object)
    """Rows were judged again against a new "not sure" threshold: the ResultRows that changed."""
    sig_progress = Signal(int, int)
    """Images done and images submitted since the session was last idle."""
    sig_busy_changed = Signal(bool)
    """Images are being classified (True) or every submitted image is done or cancelled (False)."""
    sig_status_changed = Signal()
    """The counts behind the status line changed (rows added, removed, finished, cancelled)."""
    sig_error = Signal(str, str)
    """An unexpected error in the worker: a one-line message and the details."""

    def __init__(
        self, settings: Settings, *, model_path: str | os.PathLike | None = None, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.results = ResultsModel(self)
        self.model_state = ModelState.LOADING if model_path is not None else ModelState.NONE
        self.model_path: str | None = None
        self.metadata = None  # the active model's ModelMetadata
        self.summary = None  # the active model's ModelSummary, once computed
        self.problem_reason = ""  # why there is no model, shown in the empty Classify view
        self.problem_path = ""
        self.not_images = 0  # files in dropped or opened folders that were not added: not images
        self.loading_path = ""  # the model file a load is under way for
        self.inference: InferenceWorker | None = None
        self._pending_model_path = Path(model_path) if model_path is not None else None
        self._pending_files: collections.deque[str] = collections.deque()  # dropped, not yet listed
        self._select_path: str | None = None  # the first file of the latest drop, selected once listed
        self._keys = itertools.count(1)
        self._pasted_count = 0
        self._jobs: dict[int, tuple[int, ...]] = {}  # job id -> keys, for jobs not finished or cancelled
        self._job_done: dict[int, int] = {}
        self._job_threshold: dict[int, float | None] = {}  # the user's threshold when the job was sent
        self._work_total = 0
        self._closing = False
        self._add_timer = QTimer(self)
        self._add_timer.setSingleShot(True)
        self._add_timer.setInterval(0)
        self._add_timer.timeout.connect(self._on_add_timer_timeout)

    # ================================================================ start and stop

    @property
    def started(self) -> bool:
        return self.inference is not None

    def start(self, start_worker: Callable[..., WorkerHandle]) -> None:
        """Start the inference worker (TensorFlow is imported there, on the first load)."""
        if self.inference is not None or self._closing:
            return
        worker = InferenceWorker()
        worker.sig_model_loading.connect(self._on_inference_model_loading)
        worker.sig_model_ready.connect(self._on_inference_model_ready)
        worker.sig_model_failed.connect(self._on_inference_model_failed)
        worker.sig_model_summary.connect(self._on_inference_model_summary)
        worker.sig_results.connect(self._on_inference_results)
        worker.sig_progress.connect(self._on_inference_progress)
        worker.sig_job_finished.connect(self._on_inference_job_finished)
        worker.sig_error.connect(self.sig_error)
        self.inference = worker
        start_worker(worker, name="inference")
        if self._pending_model_path is not None:
            self._request_model(self._pending_model_path)
            self._pending_model_path = None

    def shutdown(self) -> None:
        """No more work: the running job is voided (the window stops the worker's thread)."""
        self._closing = True
        self._add_timer.stop()
        if self.inference is not None:
            self.inference.cancel()

    # ================================================================ the model

    def set_model(self, path: str | os.PathLike) -> None:
        """Load the model at `path`; it becomes active when loaded (sig_model_ready) and every
        row is classified again with it. A failed load (sig_model_failed) keeps the previous one."""
        path = Path(path)
        if self.inference is None:  # loaded when the session starts
            self._pending_model_path = path
            if self.metadata is None:
                self.model_state = ModelState.LOADING
            self.sig_model_state_changed.emit()
            return
        self._request_model(path)

    def model_name(self) -> str:
        if self.metadata is not None and self.metadata.name:
            return self.metadata.name
        return Path(self.model_path).stem if self.model_path else ""

    def _request_model(self, path: Path) -> None:
        if not path.is_file():  # no need to start TensorFlow to know this
            self._on_inference_model_failed(str(path), self.tr("file not found"))
            return
        self.model_state = ModelState.LOADING
        self.sig_model_state_changed.emit()
        self.inference.load_model(path)

    @Slot(str)
    def _on_inference_model_loading(self, path: str) -> None:
        self.loading_path = path
        self.sig_model_state_changed.emit()

    @Slot(str, object)
    def _on_inference_model_ready(self, path: str, metadata) -> None:
        if self._closing:
            return
        switched = self.metadata is not None
        self.model_path, self.metadata, self.summary = path, metadata, None
        self.model_state = ModelState.READY
        self.problem_reason = ""
        # remembered for the next start; the bundled model is the default anyway (and moves with the app)
        self.settings.active_model = "" if same_file(path, paths.bundled_model_path()) else path
        rows = self.results.rows()
        if switched:  # the list shows one model's answers: classify everything again
            self.submit([row for row in rows if row.state != RowState.FAILED])
        else:
            self.submit([row for row in rows if row.state == RowState.WAITING])
        if self.inference is not None:
            self.inference.warm_up()  # after those images, not before them
        self.sig_model_state_changed.emit()
        self.sig_model_ready.emit(path, metadata)

    @Slot(str, object)
    def _on_inference_model_summary(self, path: str, summary) -> None:
        if self._closing or path != self.model_path:
            return
        self.summary = summary
        self.sig_model_summary.emit(path, summary)

    @Slot(str, str)
    def _on_inference_model_failed(self, path: str, reason: str) -> None:
        if self._closing:
            return
        if self.metadata is not None:
            self.model_state = ModelState.READY
            self.submit([row for row in self.results.rows() if row.state == RowState.WAITING])
        else:
            self.model_state = ModelState.NONE
            self.problem_reason, self.problem_path = reason, path
        self.sig_model_state_changed.emit()
        self.sig_model_failed.emit(path, reason)

    # ================================================================ the "not sure" threshold

    def threshold_override(self) -> float | None:
        """The user's own "not sure" threshold (Preferences), or None to use the model's."""
        return self.settings.not_sure_threshold

    def threshold(self) -> float | None:
        """Below this confidence an answer is "not sure": the user's threshold, else the active model's."""
        override = self.threshold_override()
        if override is not None:
            return override
        return self.metadata.not_sure_threshold if self.metadata is not None else None

    def apply_threshold(self) -> None:
        """Judge every answer in the list again against the threshold now in force (no model run)."""
        threshold = self.threshold()
        if threshold is None:
            return
        changed = []
        for row in self.results.rows():
            if row.prediction is None or row.note:  # a stored History answer keeps its own verdict
                continue
            judged = row.prediction.with_threshold(threshold)
            if judged is not row.prediction:
                row.prediction = judged
                changed.append(row)
        if changed:
            self.results.refresh_rows(changed)
            self.sig_rows_judged.emit(tuple(changed))

    # ================================================================ rows

    def add_paths(self, given: Iterable[str | os.PathLike]) -> tuple[int, int]:
        """List image files and folders (searched recursively) and classify them: the first
        ADD_SLICE now, the rest one slice per turn of the event loop; the first file is selected
        once listed. Returns (files found, other files skipped as not images)."""
        files, not_images = find_images(list(given))
        self.not_images += not_images
        if files:
            self._select_path = os.path.abspath(files[0])
            self._pending_files.extend(files)
            self._add_pending_files(ADD_SLICE)
        return len(files), not_images

    def add_image(self, data: bytes | np.ndarray, name: str | None) -> int:
        """List an in-memory image (encoded bytes or RGB pixels) and classify it; returns its key."""
        self._pasted_count += 1
        row = ResultRow(
            key=next(self._keys), name=name or self.tr("Pasted image {0}").format(self._pasted_count), data=data
        )
        self.results.add_rows([row])
        self.sig_rows_added.emit((row,), row.key)
        self.submit([row])
        return row.key

    def add_stored(self, name: str, prediction, thumbnail: np.ndarray | None, note: str) -> int:
        """List an answer given before (a History entry whose file is gone), not classified again."""
        row = ResultRow(
            key=next(self._keys), name=name, state=RowState.DONE, prediction=prediction, thumbnail=thumbnail, note=note
        )
        self.results.add_rows([row])
        self.sig_rows_added.emit((row,), row.key)
        self.sig_status_changed.emit()
        return row.key

    def remove(self, keys: Iterable[int]) -> None:
        self.results.remove_keys(keys)
        self.sig_status_changed.emit()

    def clear(self) -> None:
        if self._jobs and self.inference is not None:
            self.inference.cancel()
            self._jobs.clear()
            self._become_idle()
        self.results.clear()
        self.not_images = 0
        self._pending_files.clear()
        self._add_timer.stop()
        self._select_path = None
        self.sig_status_changed.emit()

    def _add_pending_files(self, count: int, state: RowState | None = None) -> None:
        """List up to `count` pending files and classify them (or give them `state` without classifying)."""
        files = [self._pending_files.popleft() for _ in range(min(count, len(self._pending_files)))]
        existing = {row.path: row for row in self.results.rows() if row.path is not None}
        new_rows: list[ResultRow] = []
        again: dict[int, ResultRow] = {}
        for file in files:
            path = os.path.abspath(file)
            known = existing.get(path)
            if known is not None:
                if known.state in (RowState.FAILED, RowState.CANCELLED):
                    again[known.key] = known  # dropped again: maybe fixed, or it was cancelled
                continue
            row = ResultRow(key=next(self._keys), name=os.path.basename(path) or path, path=path)
            existing[path] = row
            new_rows.append(row)
        self.results.add_rows(new_rows)
        selected = existing.get(self._select_path) if self._select_path is not None else None
        if selected is not None:
            self._select_path = None
        self.sig_rows_added.emit(tuple(new_rows), selected.key if selected is not None else 0)
        if state is not None:
            self.results.set_state(new_rows, state)
        else:
            # last: once the worker starts it competes for the GIL, and a big drop has more to do here first
            self.submit(new_rows + list(again.values()))
        if self._pending_files:
            self._add_timer.start()

    @Slot()
    def _on_add_timer_timeout(self) -> None:
        if not self._closing:
            self._add_pending_files(ADD_SLICE)

    # ================================================================ jobs

    def is_busy(self) -> bool:
        """Images are being classified (not counting images waiting for a model)."""
        return bool(self._jobs)

    def waiting_count(self) -> int:
        """Images submitted and not yet done."""
        return sum(len(keys) for keys in self._jobs.values())

    def submit(self, rows: list[ResultRow]) -> None:
        rows = [row for row in rows if row.source is not None]
        if not rows:
            return
        if self.model_state != ModelState.READY or self.inference is None:
            self.results.set_state(rows, RowState.WAITING)
            self.sig_status_changed.emit()
            return
        items = tuple(ImageItem(row.key, row.source, row.path or row.name) for row in rows)
        was_idle = not self._jobs
        job_id = self.inference.submit(items, threshold=self.threshold_override())
        self._jobs[job_id] = tuple(row.key for row in rows)
        self._job_threshold[job_id] = self.threshold_override()
        self._job_done[job_id] = 0
        self._work_total = (0 if was_idle else self._work_total) + len(items)
        self.results.set_state(rows, RowState.QUEUED)
        if was_idle:
            self.sig_busy_changed.emit(True)
        self.sig_progress.emit(sum(self._job_done.values()), self._work_total)
        self.sig_status_changed.emit()

    def cancel(self) -> None:
        """Stop: the running batch ends before its next image, queued images are not classified."""
        listed_now = bool(self._pending_files)
        if listed_now:  # the rest of a big drop: listed, not classified
            self._add_timer.stop()
            self._add_pending_files(len(self._pending_files), RowState.CANCELLED)
        unfinished = [row for row in self.results.rows() if row.state in (RowState.QUEUED, RowState.WAITING)]
        if not self._jobs and not unfinished and not listed_now:
            return
        if self.inference is not None:
            self.inference.cancel()
        self.results.set_state(unfinished, RowState.CANCELLED)
        self._jobs.clear()
        self._become_idle()
        self.sig_status_changed.emit()

    @Slot(int, object)
    def _on_inference_results(self, job_id: int, results) -> None:
        if self._closing:
            return
        if self._job_threshold.get(job_id, self.threshold_override()) != self.threshold_override():
            # the user changed the threshold while the job ran: its answers are judged by the new one
            threshold = self.threshold()
            results = tuple(
                dataclasses.replace(result, prediction=result.prediction.with_threshold(threshold))
                if result.prediction is not None
                else result
                for result in results
            )
        changed = self.results.apply_results(results)
        self.sig_results.emit(tuple(changed), results)
        self.sig_status_changed.emit()

    @Slot(int, int, int)
    def _on_inference_progress(self, job_id: int, done: int, total: int) -> None:
        if job_id not in self._jobs or self._closing:
            return
        self._job_done[job_id] = done
        self.sig_progress.emit(sum(self._job_done.values()), self._work_total)

    @Slot(object)
    def _on_inference_job_finished(self, summary: JobSummary) -> None:
        keys = self._jobs.pop(summary.job_id, None)
        self._job_threshold.pop(summary.job_id, None)
        if keys is None or self._closing:  # cancelled from here already
            return
        if summary.not_done:
            unfinished = [
                row for row in map(self.results.row, keys) if row is not None and row.state == RowState.QUEUED
            ]
            self.results.set_state(unfinished, RowState.CANCELLED if self.metadata else RowState.WAITING)
        if not self._jobs:
            self._become_idle()
            self.sig_status_changed.emit()

    def _become_idle(self) -> None:
        self._job_done.clear()
        self._job_threshold.clear()
        self._work_total = 0
        self.sig_busy_changed.emit(False)

    # ================================================================ counts for the status line

    def counts(self) -> dict[str, int]:
        """How many rows are classified, skipped, cancelled and waiting for a model."""
        rows = self.results.rows()
        return {
            "rows": len(rows),
            "classified": sum(row.state == RowState.DONE for row in rows),
            "skipped": sum(row.state == RowState.FAILED for row in rows),
            "cancelled": sum(row.state == RowState.CANCELLED for row in rows),
            "waiting": sum(row.state == RowState.WAITING for row in rows),
            "not_images": self.not_images,
        }


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False
