"""The option several commands share: --model, the model file to use (the bundled one by default)."""

from __future__ import annotations

from pathlib import Path

MODEL_HELP = "a .h5/.keras model (default: the bundled one)"


def add_model_option(parser) -> None:
    parser.add_argument("--model", help=MODEL_HELP)


def model_path(given: str | None) -> Path:
    from infinityvision_desktop.paths import bundled_model_path

    return Path(given) if given else bundled_model_path()
