"""A training run's checkpoint: the one module that knows its folder and format.

One folder per run (`checkpoint_folder`): ``epoch-N/`` holds the model's weights, the optimizer's
variables and the lookahead average of the last finished epoch; ``best.npz`` the best weights so
far; ``state.json`` (written last, atomically) names the current epoch folder, where the run is,
its history and its configuration. A kill mid-write loses at most the epoch being written.

The pipeline writes and restores it (`Checkpoint`) and deletes it once the run has finished; a
stopped or crashed run keeps it for `--resume`. The training dialog reads it (`resumable_run`,
`resumable_runs`, `resume_point`) before TensorFlow is imported, so nothing here imports it: the
model and optimizer are only called.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from infinityvision_desktop.core import atomic
from infinityvision_desktop.core.training_config import TrainConfig, config_from_dict, plan_stages, planned_epochs
from infinityvision_desktop.core.training_observer import EpochMetrics

CHECKPOINT_VERSION = 1
STATE_FILE = "state.json"
BEST_FILE = "best.npz"


def checkpoints_root() -> Path:
    from infinityvision_desktop.paths import user_data_dir

    return user_data_dir() / "checkpoints"


def default_checkpoint_dir(cfg: TrainConfig) -> Path:
    return checkpoints_root() / cfg.fingerprint()


def checkpoint_folder(cfg: TrainConfig) -> Path:
    """Where a run of `cfg` keeps its checkpoint."""
    return Path(cfg.checkpoint_dir) if cfg.checkpoint_dir else default_checkpoint_dir(cfg)


def delete_checkpoint(folder: str | os.PathLike) -> None:
    shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------- reading


def read_checkpoint_state(folder: str | os.PathLike, cfg: TrainConfig | None = None) -> dict | None:
    """The state of a checkpoint folder (a run of `cfg` if given) that can be resumed; else None."""
    folder = Path(folder)
    try:
        state = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("version") != CHECKPOINT_VERSION:
        return None
    if cfg is not None and state.get("fingerprint") != cfg.fingerprint():
        return None
    if not isinstance(state.get("current"), str) or not (folder / state["current"]).is_dir():
        return None
    return state


@dataclass(frozen=True)
class ResumePoint:
    """Where a checkpointed run stopped: the stage and its epochs done, and what came before."""

    stage_index: int
    stage_epochs_done: int
    history: tuple[EpochMetrics, ...]
    best_accuracy: float | None
    best_epoch: int | None


def _resume_point(state: dict) -> ResumePoint:
    return ResumePoint(
        int(state["stage_index"]),
        int(state["stage_epochs_done"]),
        tuple(EpochMetrics(**h) for h in state.get("history", ())),
        state.get("best_accuracy"),
        state.get("best_epoch"),
    )


def resume_point(cfg: TrainConfig) -> ResumePoint | None:
    """The point a `--resume` of `cfg` continues from, or None when there is no checkpoint of it."""
    state = read_checkpoint_state(checkpoint_folder(cfg), cfg)
    return _resume_point(state) if state is not None else None


@dataclass(frozen=True)
class ResumableRun:
    """A checkpoint of a run that has not trained all its epochs (stopped, crashed, power cut)."""

    folder: str
    config: TrainConfig
    epochs_done: int
    epochs_planned: int
    saved_at: float  # time.time() of its last epoch


def checkpoint_is_complete(state: dict, cfg: TrainConfig) -> bool:
    stages = plan_stages(cfg)
    return bool(stages) and state.get("stage_index") == stages[-1].index and bool(state.get("stage_finished"))


def resumable_run(cfg: TrainConfig) -> ResumableRun | None:
    """The unfinished checkpoint of this exact configuration, if there is one."""
    folder = checkpoint_folder(cfg)
    state = read_checkpoint_state(folder, cfg)
    if state is None or checkpoint_is_complete(state, cfg):
        return None
    return ResumableRun(
        str(folder), cfg, len(state.get("history", ())), planned_epochs(cfg), _mtime(folder / STATE_FILE)
    )


def resumable_runs(root: str | os.PathLike | None = None) -> list[ResumableRun]:
    """Unfinished runs under `root` (default: the user's checkpoints folder), newest first.

    Only checkpoints that record their configuration are listed: it is what a resume needs.
    """
    root = Path(root) if root is not None else checkpoints_root()
    runs = []
    for folder in sorted(root.glob("*/")) if root.is_dir() else []:
        state = read_checkpoint_state(folder)
        if state is None or not isinstance(state.get("config"), dict):
            continue
        try:
            cfg = config_from_dict(state["config"])
        except (TypeError, ValueError):
            continue
        if cfg.fingerprint() != state.get("fingerprint") or checkpoint_is_complete(state, cfg):
            continue
        runs.append(
            ResumableRun(
                str(folder), cfg, len(state.get("history", ())), planned_epochs(cfg), _mtime(folder / STATE_FILE)
            )
        )
    return sorted(runs, key=lambda run: run.saved_at, reverse=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


# ---------------------------------------------------------------- writing and restoring


class Checkpoint:
    """The checkpoint of one run in `folder`: saved after every epoch, restored on resume."""

    def __init__(self, folder: Path, cfg: TrainConfig):
        self.folder = Path(folder)
        self.cfg = cfg
        self._state: dict | None = None

    def begin(self, *, resume: bool) -> ResumePoint | None:
        """Where a resumed run continues (None: from the start); a run that does not resume
        discards an old checkpoint first, so it can never be mixed into this one."""
        if not resume:
            self.delete()
            return None
        self._state = read_checkpoint_state(self.folder, self.cfg)
        return _resume_point(self._state) if self._state is not None else None

    def delete(self) -> None:
        delete_checkpoint(self.folder)

    def save(
        self,
        model,
        optimizer,
        lookahead_average,
        *,
        stage,
        stage_epochs_done: int,
        history,
        best_accuracy: float | None,
        best_epoch: int | None,
        best_weights,
    ) -> None:
        """After an epoch: its weights, optimizer variables and lookahead average, then the state
        that points at them. `best_weights` only when this epoch is the best so far."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"epoch-{len(history)}"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir()
        model.save_weights(target / "model.weights.h5")
        np.savez(target / "optimizer.npz", *[np.asarray(v) for v in optimizer.variables])
        if lookahead_average is not None:
            np.savez(target / "lookahead.npz", *lookahead_average)
        if best_weights is not None:
            with atomic.atomic_path(self.folder / BEST_FILE) as temp:
                np.savez(temp, *best_weights)
        state = {
            "version": CHECKPOINT_VERSION,
            "fingerprint": self.cfg.fingerprint(),
            "current": target.name,
            "stage_index": stage.index,
            "stage_epochs_done": stage_epochs_done,
            "stage_finished": stage_epochs_done >= stage.epochs,
            "history": [h.to_dict() for h in history],
            "best_accuracy": best_accuracy,
            "best_epoch": best_epoch,
            # lets the app offer this run for resume after a restart (resumable_runs)
            "config": dataclasses.asdict(self.cfg),
        }
        atomic.write_text(self.folder / STATE_FILE, json.dumps(state))
        for old in self.folder.glob("epoch-*"):
            if old != target:
                shutil.rmtree(old, ignore_errors=True)

    def restore(self, model, optimizer) -> None:
        """The model's weights and the optimizer's variables of the epoch the run stopped after."""
        current = self.folder / self._state["current"]
        # built first: the weights file holds the optimizer's slots too, and Keras warns
        # ("Skipping variable loading for optimizer") when they have nowhere to go
        optimizer.build(model.trainable_variables)
        model.load_weights(current / "model.weights.h5")
        values = _load_arrays(current / "optimizer.npz")
        if len(values) == len(optimizer.variables):
            for variable, value in zip(optimizer.variables, values):
                variable.assign(value)

    def lookahead_average(self) -> list[np.ndarray] | None:
        path = self.folder / self._state["current"] / "lookahead.npz"
        return _load_arrays(path) if path.exists() else None

    def best_weights(self) -> list[np.ndarray] | None:
        path = self.folder / BEST_FILE
        return _load_arrays(path) if path.exists() else None


def _load_arrays(path: Path) -> list[np.ndarray]:
    with np.load(path) as saved:
        return [saved[f"arr_{i}"] for i in range(len(saved.files))]
