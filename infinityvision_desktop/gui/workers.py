"""Background work: the one worker pattern of the app, and the inference worker built on it.

The pattern (superqt's `new_worker_qthread`): a `Worker` (QObject) is moved to a fresh QThread,
`thread.started` runs `worker.run`, `worker.sig_finished` quits the thread. `start_worker()`
does that wiring and returns a `WorkerHandle` that keeps Python references to both until the
thread has finished, then lets them go (destroying them on the GUI thread; see start_worker),
and stops it cleanly (`handle.stop()`: request a stop, quit, wait).

Rules for workers (Anki's "don't call UI routines in op"): `work()` runs in the worker thread,
so it touches no widget, QPixmap or matplotlib figure; it emits values (numpy arrays, frozen
dataclasses, strings) through signals, which Qt delivers to slots on the GUI thread. Connect
those signals to bound `@Slot` methods of GUI objects, never to lambdas (a lambda has no
thread affinity and would run in the worker thread).

Nothing here imports TensorFlow: `InferenceWorker` imports the predictor (and, for heatmaps,
core.explain's Grad-CAM) inside its thread.
"""

from __future__ import annotations

import gc
import itertools
import logging
import os
import queue
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from PySide6.QtCore import QObject, QThread, Signal, Slot

from infinityvision_desktop.core.classify import (
    BATCH_SIZE,
    ImageItem,
    ImageResult,
    classify,
    decode_item,
    decoding_thread,
)
from infinityvision_desktop.core.history import THUMBNAIL_SIDE as HISTORY_THUMBNAIL_SIDE
from infinityvision_desktop.core.images import ImageLoadError

log = logging.getLogger(__name__)

__all__ = [
    "Worker",
    "CommandWorker",
    "WorkerHandle",
    "start_worker",
    "running_handles",
    "InferenceWorker",
    "ImageItem",
    "ImageResult",
    "JobSummary",
    "BATCH_SIZE",
]


# ---------------------------------------------------------------- the pattern


class Worker(QObject):
    """Base of every background worker. Subclasses implement `work()`.

    `run()` wraps `work()`: any exception is logged and reported through `sig_error`
    (exceptions raised in a QThread would otherwise vanish), and `sig_finished` is always
    emitted last. `request_stop()` may be called from any thread; `work()` polls
    `should_stop()` at points where stopping is safe.
    """

    sig_finished = Signal()
    """run() has returned, after success, an error or a stop request."""
    sig_error = Signal(str, str)
    """An unexpected exception in the worker: a one-line message and the formatted traceback."""

    def __init__(self) -> None:
        super().__init__()
        self._stop_requested = threading.Event()

    @Slot()
    def run(self) -> None:
        try:
            self.work()
        except Exception as exc:  # noqa: BLE001 - reported, never lost
            log.exception("%s failed", type(self).__name__)
            self.sig_error.emit(f"{type(exc).__name__}: {exc}", traceback.format_exc())
        finally:
            self.sig_finished.emit()

    def work(self) -> None:
        raise NotImplementedError

    def request_stop(self) -> None:
        """Ask work() to return soon. Thread-safe."""
        self._stop_requested.set()

    def should_stop(self) -> bool:
        return self._stop_requested.is_set()


class CommandWorker(Worker):
    """A long-lived worker serving commands, in the order given, from a thread-safe queue: for work
    that owns a model living in the worker's thread (the inference and the teach workers).

    Its public methods, called from any thread, `post()` commands; `handle()` runs each in the
    worker thread. A failing command is logged, reported through `sig_error` and passed to
    `command_failed()`; it does not end the worker. `after_command()` runs after each one,
    `release()` once when the worker ends.
    """

    def __init__(self) -> None:
        super().__init__()
        self._commands: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()

    def post(self, command: object) -> None:
        self._commands.put(command)

    def has_commands(self) -> bool:
        return not self._commands.empty()

    def request_stop(self) -> None:
        super().request_stop()
        self._commands.put(_STOP)  # wakes the loop if it is waiting for work

    def work(self) -> None:
        try:
            while not self.should_stop():
                command = self._commands.get()
                if command is _STOP or self.should_stop():
                    break
                try:
                    self.handle(command)
                except Exception as exc:  # noqa: BLE001 - one bad command must not end the worker
                    log.exception("%s: a command failed", type(self).__name__)
                    self.sig_error.emit(f"{type(exc).__name__}: {exc}", traceback.format_exc())
                    self.command_failed(command, exc)
                self.after_command()
        finally:
            self.release()

    def handle(self, command: object) -> None:
        raise NotImplementedError

    def command_failed(self, command: object, exc: Exception) -> None:
        """After `sig_error`: tell the command's own listeners it ended."""

    def after_command(self) -> None:
        pass

    def release(self) -> None:
        """The worker is ending: drop what lives in its thread."""


_STOP = object()


_live_handles: set[WorkerHandle] = set()


class WorkerHandle(QObject):
    """Owns a worker and its thread from start until the thread has finished.

    Lives on the GUI thread, so its `thread.finished` slot (which drops the references) runs
    there, after Qt is done with both objects.
    """

    sig_done = Signal()
    """The thread has finished; `worker` and `thread` are no longer usable."""

    def __init__(self, worker: Worker, thread: QThread) -> None:
        super().__init__()
        self.worker: Worker | None = worker
        self.thread: QThread | None = thread
        self.name = thread.objectName()

    def is_running(self) -> bool:
        return self.thread is not None and self.thread.isRunning()

    def stop(self, timeout_ms: int | None = None) -> bool:
        """Request a stop, quit the thread and wait for it; True once the thread has ended.

        Without a timeout this waits as long as the worker needs to reach its next stop check
        (for the inference worker: one image, or the rest of a model load already under way).
        """
        if self.thread is None:
            return True
        if self.worker is not None:
            self.worker.request_stop()
        self.thread.quit()
        finished = self.thread.wait() if timeout_ms is None else self.thread.wait(timeout_ms)
        if finished:
            self._release()
        return finished

    @Slot()
    def _on_thread_finished(self) -> None:
        self._release()

    def _release(self) -> None:
        if self.thread is None:
            return
        self.thread.wait()  # `finished` comes just before the thread ends: let it end before it is destroyed
        self.worker = None
        self.thread = None
        _live_handles.discard(self)
        self.sig_done.emit()


def start_worker(worker: Worker, *, name: str) -> WorkerHandle:
    """Move `worker` to a new QThread named `name`, start it, and return its handle."""
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    worker.sig_finished.connect(thread.quit)
    # No deleteLater: Qt would destroy the worker in its own thread's event loop, where PySide's
    # ~QObject takes the GIL while holding one of Qt's signal-slot locks; a GUI thread emitting a
    # signal (holding the GIL, wanting that lock) then deadlocks with it (seen: the window hung in
    # beginInsertRows). Both objects are destroyed when the handle lets them go, on the GUI
    # thread, with the GIL held.
    handle = WorkerHandle(worker, thread)
    thread.finished.connect(handle._on_thread_finished)
    _live_handles.add(handle)  # even if the caller drops the handle, both live until finished
    thread.start()
    return handle


def running_handles() -> list[WorkerHandle]:
    """Handles whose threads are still running (tests fail when one is left behind)."""
    return [handle for handle in list(_live_handles) if handle.is_running()]


# ---------------------------------------------------------------- inference values


@dataclass(frozen=True)
class JobSummary:
    job_id: int
    classified: int
    skipped: int
    cancelled: bool
    not_done: int  # images the job never reached (cancelled or stopped)


@dataclass(frozen=True)
class _Job:
    job_id: int
    items: tuple[ImageItem, ...]
    generation: int
    threshold: float | None  # the user's "not sure" threshold; None: the model's


@dataclass(frozen=True)
class _LoadModel:
    path: str


@dataclass(frozen=True)
class _Explain:
    request_id: int
    item: ImageItem
    class_index: int | None
    answer: int | None = None


_EXPLAIN = object()  # wakes the loop: an explanation request is waiting
_WARM_UP = object()  # the images that waited for a model are queued: warm up after them
_libraries_frozen = False


def freeze_library_objects() -> None:
    """Take the objects TensorFlow and Keras create on import out of the garbage collector's walks.

    They live as long as the process, and there are hundreds of thousands of them: every full
    collection walked them all with the GIL held, a frozen window in the middle of a big batch or
    of a training run. Done once, after the import and before any model is loaded or trained, so
    models stay collectable. No collection first: it would itself hold the GIL, and the import
    leaves nothing to collect.
    """
    global _libraries_frozen
    if _libraries_frozen:
        return
    import keras  # noqa: F401 - imports TensorFlow: the objects to freeze

    gc.freeze()
    _libraries_frozen = True


# ---------------------------------------------------------------- the inference worker


class InferenceWorker(CommandWorker):
    """A long-lived worker that owns the model: it loads it and classifies images in its thread.

    The GUI thread calls `load_model()`, `submit()` and `cancel()`; they only touch a
    thread-safe queue and a counter, never the model, so they are safe from any thread.
    Commands run in the order given: a model load queued before a job is done before it.
    A failed load keeps the previous model (if any) active.
    """

    sig_model_loading = Signal(str)
    """A model load has started: the model file path."""
    sig_model_ready = Signal(str, object)
    """A model is loaded and active: its path and its ModelMetadata (a frozen value)."""
    sig_model_failed = Signal(str, str)
    """A model could not be loaded: its path and the reason. The previous model stays active."""
    sig_model_summary = Signal(str, object)
    """After sig_model_ready: the model's path and its core.summary.ModelSummary (layers, parameters)."""
    sig_results = Signal(int, object)
    """One batch of a job is done: the job id and a tuple of ImageResult."""
    sig_progress = Signal(int, int, int)
    """Job id, images done, images in the job; emitted when the percentage changes."""
    sig_job_finished = Signal(object)
    """A job has ended (completed, cancelled or without a model): its JobSummary."""
    sig_explanation = Signal(int, object)
    """A heatmap is ready: the request id and its core.explain.Explanation."""
    sig_explanation_failed = Signal(int, str)
    """No heatmap for a request: its id and the reason ("photo.jpg: file is empty")."""

    def __init__(self, *, batch_size: int = BATCH_SIZE) -> None:
        super().__init__()
        self.batch_size = batch_size
        # A generation number rather than a bare Event: a cancel must void every job submitted
        # before it, including jobs still queued, and a flag cleared when the next job starts
        # could swallow a cancel that arrives at that moment.
        self._generation = 0
        self._job_ids = itertools.count(1)
        self._predictor = None  # lives and dies in the worker thread
        self._warm_batches = False  # the active model has run a full batch once
        self._just_loaded = False  # the last command was a model load
        self._decoding: ThreadPoolExecutor | None = None  # decodes the next batch during a prediction
        self._grad_cam = None  # built for the active predictor on the first explanation
        # Only the latest explanation request matters (the user has moved on from the others).
        self._explain_ids = itertools.count(1)
        self._pending_explain: _Explain | None = None

    # --- called from the GUI thread (thread-safe) ---

    def load_model(self, path: str | os.PathLike) -> None:
        self.post(_LoadModel(os.fspath(path)))

    def submit(self, items: tuple[ImageItem, ...] | list[ImageItem], *, threshold: float | None = None) -> int:
        """Queue images; returns the job id that the signals carry. `threshold`: the user's "not
        sure" threshold (None: the model's)."""
        with self._lock:
            job = _Job(next(self._job_ids), tuple(items), self._generation, threshold)
        self.post(job)
        return job.job_id

    def explain(self, item: ImageItem, class_index: int | None = None, *, answer: int | None = None) -> int:
        """Ask for a Grad-CAM heatmap of one image (the answer, or `class_index`); `answer`: the
        answer the image was given (a photo's also weighs the ImageNet classifier's opinion).

        Returns the request id that sig_explanation or sig_explanation_failed will carry. A newer
        request replaces one not yet started; a running job pauses for it between batches.
        """
        with self._lock:
            request = _Explain(next(self._explain_ids), item, class_index, answer)
            self._pending_explain = request
        self.post(_EXPLAIN)
        return request.request_id

    def warm_up(self) -> None:
        """Warm the active model up for big batches once the commands queued before this one are
        done. Sent by the GUI after the images that waited for a model load: warming up as soon as
        the load ends would make them wait for it (2.6 s for the bundled model: an image given on
        the command line is answered that much later)."""
        self.post(_WARM_UP)

    def cancel(self) -> None:
        """Void every job submitted so far; the running one stops before its next image."""
        with self._lock:
            self._generation += 1

    # --- the worker thread ---

    def handle(self, command: object) -> None:
        self._just_loaded = False
        if command is _EXPLAIN:
            self._serve_explanation()
        elif command is _WARM_UP:
            pass  # after_command warms up, if nothing else is waiting by then
        elif isinstance(command, _LoadModel):
            self._load(command.path)
            self._just_loaded = True  # not yet: what waited for the model goes first (`warm_up`)
        else:
            self._run_job(command)

    def command_failed(self, command: object, exc: Exception) -> None:
        if isinstance(command, _Job):
            self.sig_job_finished.emit(JobSummary(command.job_id, 0, 0, False, len(command.items)))

    def after_command(self) -> None:
        if not self._just_loaded:
            self._warm_up_when_idle()

    def release(self) -> None:
        self._predictor = None
        if self._decoding is not None:
            self._decoding.shutdown(wait=True)
            self._decoding = None

    def _load(self, path: str) -> None:
        self.sig_model_loading.emit(path)
        try:
            # Imported here, in the worker thread: this is where TensorFlow gets loaded.
            from infinityvision_desktop.core.modelfile import ModelFileError
            from infinityvision_desktop.core.predictor import Predictor

            freeze_library_objects()
            predictor = Predictor.load(path)
            predictor.warm_up()  # traces the graph now, so the first answer is not 10x slower
        except ModelFileError as exc:
            self.sig_model_failed.emit(path, exc.reason)
            return
        except Exception as exc:  # noqa: BLE001 - e.g. TensorFlow missing or broken in a build
            log.exception("loading %s failed", path)
            self.sig_model_failed.emit(path, f"{type(exc).__name__}: {exc}")
            return
        self._predictor = predictor
        self._warm_batches = False
        self._grad_cam = None
        self.sig_model_ready.emit(path, predictor.metadata)
        try:
            from infinityvision_desktop.core.summary import summarize

            summary = summarize(predictor.source, path)  # reads the Keras model: only here, on its thread
        except Exception:  # noqa: BLE001 - a missing summary must not cost the loaded model
            log.exception("summarizing %s failed", path)
            return
        self.sig_model_summary.emit(path, summary)

    def _warm_up_when_idle(self) -> None:
        """Once per model, when nothing is waiting: run one full batch, so the first big drop
        does not pay for oneDNN building its kernels for that size (the first batch of a new size
        is slower: `bench_model.py --batch-sizes` warms each size before timing it for that reason),
        and load the ImageNet check, so the first photo does not wait for it either.
        Not right after a load: the images that waited for it go first (`warm_up`)."""
        if self._predictor is None or self._warm_batches or self.has_commands() or self.should_stop():
            return
        self._warm_batches = True
        try:
            self._predictor.warm_up(self.batch_size, open_set=True)
        except Exception:  # noqa: BLE001 - only a head start; a real batch reports real errors
            log.exception("warming up for batches failed")

    def _is_void(self, job: _Job) -> bool:
        return job.generation != self._generation or self.should_stop()

    def _run_job(self, job: _Job) -> None:
        total = len(job.items)
        if self._predictor is None or self._is_void(job):
            self.sig_job_finished.emit(JobSummary(job.job_id, 0, 0, self._predictor is not None, total))
            return
        done = 0
        last_percent = -1

        def on_batch(results: tuple[ImageResult, ...]) -> None:
            nonlocal done, last_percent
            done += len(results)
            self.sig_results.emit(job.job_id, results)
            percent = done * 100 // total
            if percent != last_percent:
                last_percent = percent
                self.sig_progress.emit(job.job_id, done, total)

        summary = classify(
            job.items,
            self._predictor,
            threshold=job.threshold,
            batch_size=self.batch_size,
            thumbnail_side=HISTORY_THUMBNAIL_SIDE,
            on_batch=on_batch,
            should_stop=lambda: self._is_void(job),
            # the user's selected image does not wait for a big batch
            between_batches=self._serve_explanation,
            decoder=self._decoder(),
        )
        self.sig_job_finished.emit(
            JobSummary(job.job_id, summary.classified, summary.skipped, summary.stopped, summary.not_done)
        )

    def _decoder(self) -> ThreadPoolExecutor:
        if self._decoding is None:
            self._decoding = decoding_thread()
        return self._decoding

    def _serve_explanation(self) -> None:
        """Answer the latest explanation request, if one is waiting."""
        with self._lock:
            request, self._pending_explain = self._pending_explain, None
        if request is None:
            return
        if self._predictor is None:
            self.sig_explanation_failed.emit(request.request_id, "no model is loaded")
            return
        from infinityvision_desktop.core.explain import ExplainError, GradCam

        classes = len(self._predictor.metadata.labels)
        if any(index is not None and not 0 <= index < classes for index in (request.class_index, request.answer)):
            # asked for under the model before this one: its new answer is on its way
            self.sig_explanation_failed.emit(request.request_id, "the model changed; its answer is on its way")
            return
        try:
            rgb = decode_item(request.item, tuple(self._predictor.metadata.input_size))[0]
            if self._grad_cam is None:
                self._grad_cam = GradCam.for_predictor(self._predictor)
            explanation = self._grad_cam.explain(rgb, request.class_index, answer=request.answer)
        except (ImageLoadError, ExplainError) as exc:
            self.sig_explanation_failed.emit(request.request_id, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - reported; must not end a classification job it interrupted
            log.exception("explaining %s failed", request.item.name)
            self.sig_error.emit(f"{type(exc).__name__}: {exc}", traceback.format_exc())
            self.sig_explanation_failed.emit(request.request_id, "an unexpected error (details in the log)")
            return
        self.sig_explanation.emit(request.request_id, explanation)
