"""The layering that keeps start-up fast and the core reusable, checked rather than hoped for.

- The main window is built and painted before TensorFlow is imported (a fresh process, because
  this test process has TensorFlow loaded already).
- Nothing under core/ imports Qt, matplotlib's Qt backend, or the GUI.
- The GUI imports TensorFlow, Keras and the predictor only inside functions (the inference
  worker's thread), never at module level.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "infinityvision_desktop"

WINDOW_PROBE = r"""
import json, sys, time
from PySide6.QtCore import QSettings
from infinityvision_desktop.gui.app import create_application
from infinityvision_desktop.gui.main_window import MainWindow
from infinityvision_desktop.gui.settings import Settings

after_import = "tensorflow" in sys.modules
app = create_application()
window = MainWindow(model_path=sys.argv[1], settings=Settings(QSettings(sys.argv[2], QSettings.Format.IniFormat)))
seen = {}
def on_painted():  # runs on the GUI thread: the window's own signal
    seen["tensorflow"] = "tensorflow" in sys.modules
    seen["keras"] = "keras" in sys.modules
    seen["matplotlib"] = "matplotlib" in sys.modules  # built after the first paint, not before
window.sig_painted.connect(on_painted)
window.show()
deadline = time.monotonic() + 60
while "tensorflow" not in seen and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.005)
window.close()  # waits for the model load the worker has begun
print(json.dumps({"after_import": after_import, "at_paint": seen}))
"""


@pytest.mark.gui
def test_main_window_is_painted_before_tensorflow_is_imported(tiny_model_path, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(
        [sys.executable, "-c", WINDOW_PROBE, str(tiny_model_path), str(tmp_path / "s.ini")],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"after_import": False, "at_paint": {"tensorflow": False, "keras": False, "matplotlib": False}}
    assert "QThread: Destroyed while thread is still running" not in done.stderr


FORBIDDEN_IN_CORE = (
    "PySide6",
    "PyQt5",
    "PyQt6",
    "PySide2",
    "shiboken6",
    "matplotlib.backends",
    "matplotlib.pyplot",
    "infinityvision_desktop.gui",
)


def _imports(tree: ast.AST, *, module_level_only: bool = False):
    """(line, module) for every import in the tree (or only those outside functions)."""
    nodes = []
    if module_level_only:
        stack = list(ast.iter_child_nodes(tree))
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            nodes.append(node)
            stack.extend(ast.iter_child_nodes(node))
    else:
        nodes = list(ast.walk(tree))
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module


def _matches(module: str, prefixes) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_core_imports_no_qt_and_no_gui():
    offences = []
    for path in sorted((PACKAGE / "core").rglob("*.py")):
        for line, module in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if _matches(module, FORBIDDEN_IN_CORE):
                offences.append(f"{path.relative_to(PACKAGE)}:{line} imports {module}")
    assert not offences, "\n".join(offences)


def test_gui_imports_tensorflow_only_inside_functions():
    heavy = ("tensorflow", "keras", "infinityvision_desktop.core.predictor", "infinityvision_desktop.core.pipeline")
    offences = []
    for path in sorted((PACKAGE / "gui").rglob("*.py")):
        for line, module in _imports(ast.parse(path.read_text(encoding="utf-8")), module_level_only=True):
            if _matches(module, heavy):
                offences.append(f"{path.relative_to(PACKAGE)}:{line} imports {module} at module level")
    assert not offences, "\n".join(offences)


IMPORT_EVERY_GUI_MODULE = r"""
import importlib, json, pkgutil, sys
import infinityvision_desktop.gui as gui
names = [m.name for m in pkgutil.walk_packages(gui.__path__, gui.__name__ + ".")]
for name in names:
    importlib.import_module(name)
print(json.dumps({"modules": len(names), "tensorflow": "tensorflow" in sys.modules, "keras": "keras" in sys.modules}))
"""


def test_importing_any_gui_module_does_not_import_tensorflow():
    """Transitively too: a core module imported by the GUI must not import TensorFlow at its top."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_GUI_MODULE], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["modules"] >= 8
    assert (report["tensorflow"], report["keras"]) == (False, False)
