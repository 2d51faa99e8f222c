"""The models the app knows (bundled, the user's, the active one), for the Model tab's comparison chart.

Reading each file's metadata opens it (HDF5 or zip), a few ms to a second on a slow disk per
model: done in a worker, so a folder of models never stalls the window.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from infinityvision_desktop.gui.workers import Worker, WorkerHandle


class KnownModelsWorker(Worker):
    """Lists the models the app knows (bundled, the user's, `extra`) with their test accuracy."""

    sig_known = Signal(int, object)
    """The scan's number and a list of (name, test accuracy or None), in display order."""

    def __init__(self, extra: Iterable[str | os.PathLike] = (), *, scan: int = 0) -> None:
        super().__init__()
        self._extra = [Path(p) for p in extra]
        self._scan = scan

    def work(self) -> None:
        from infinityvision_desktop import paths
        from infinityvision_desktop.core.modelfile import ModelFileError, read_metadata

        candidates = [paths.bundled_model_path()]
        user_models = paths.user_data_dir() / "models"
        if user_models.is_dir():
            candidates += sorted(
                p for p in user_models.iterdir() if p.suffix in (".h5", ".keras") and not p.name.startswith(".")
            )
        known, seen = [], set()
        for candidate in candidates + self._extra:
            if self.should_stop():
                return
            if candidate in seen or not candidate.is_file():
                continue
            seen.add(candidate)
            try:
                metadata = read_metadata(candidate)
            except (ModelFileError, OSError):
                continue
            name = metadata.name if metadata and metadata.name else candidate.stem
            known.append((name, metadata.test_accuracy if metadata else None))
        self.sig_known.emit(self._scan, known)


class KnownModels(QObject):
    """Keeps `model_view`'s list of known models current: scanned again when a model becomes
    active or a training run ends; a scan overtaken by a newer one is dropped."""

    def __init__(self, session, model_view, start_worker: Callable[..., WorkerHandle]) -> None:
        super().__init__(model_view)
        self.session = session
        self.model_view = model_view
        self._start_worker = start_worker
        self.scan = 0  # the latest scan's number: an older one's list arrives too late
        self._handle: WorkerHandle | None = None
        session.sig_model_ready.connect(self._on_session_model_ready)

    def refresh(self) -> None:
        extra = [self.session.model_path] if self.session.model_path else []
        if self._handle is not None and self._handle.is_running():
            self._handle.worker.request_stop()  # its list would be out of date
        self.scan += 1
        self._handle = self._start_worker(KnownModelsWorker(extra, scan=self.scan), name="known-models")
        self._handle.worker.sig_known.connect(self._on_known_models)

    @Slot(str, object)
    def _on_session_model_ready(self, path: str, metadata) -> None:
        self.refresh()

    @Slot(int, object)
    def _on_known_models(self, scan: int, known) -> None:
        if scan == self.scan:  # else a scan started before the latest change of models
            self.model_view.set_known_models(known)
