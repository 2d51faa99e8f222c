"""The main window's tools beyond classifying: heatmaps, Evaluate on Folder, Sort Into Folders, Export.

`install_features(window)` adds them in one place: the heatmap controls under the image, two
actions in the Model menu and one in the File menu. Each tool lives in its own module and runs
its heavy work through the app's one worker pattern (gui.workers); nothing here imports
TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass

from infinityvision_desktop.gui.explain_panel import ExplainController


@dataclass
class Features:
    """What install_features() added, for tests and the screenshot script."""

    explain: ExplainController


def install_features(window) -> Features:
    return Features(explain=ExplainController(window))
