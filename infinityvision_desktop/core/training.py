"""The old home of the training values, split into modules named for what they hold: the config,
stages and presets in `training_config`, what a run reports in `training_observer`, and the
checkpoint in `checkpoints`. These names stay importable from here until no caller uses this path.
"""

from infinityvision_desktop.core.checkpoints import (  # noqa: F401
    CHECKPOINT_VERSION, ResumableRun, checkpoint_folder, checkpoint_is_complete, default_checkpoint_dir,
    read_checkpoint_state, resumable_run, resumable_runs,
)
from infinityvision_desktop.core.training_config import Stage, TrainConfig, config_from_dict, plan_stages  # noqa: F401
from infinityvision_desktop.core.training_observer import EpochMetrics, TrainingObserver, TrainResult  # noqa: F401
