"""`infinityvision export`: a model as .keras, .h5, TensorFlow Lite or a SavedModel, with its labels and
preprocessing in a JSON file beside it. The app's export dialog runs it in a child process."""

from __future__ import annotations

import argparse
import json

from infinityvision_desktop.cli.arguments import MODEL_HELP, model_path
from infinityvision_desktop.cli.console import error

COMMANDS = ("export",)


def add_parsers(sub) -> None:
    p = sub.add_parser(
        "export",
        help="export the model as .keras, .h5, TensorFlow Lite (float32 or int8) or a "
        "SavedModel for TensorFlow Serving, with its labels and preprocessing in "
        "a JSON file beside it",
    )
    p.add_argument(
        "--out",
        required=True,
        metavar="PATH",
        help="model.keras, model.h5, model.tflite, or a new folder for --format saved-model",
    )
    p.add_argument(
        "--format",
        choices=("keras", "h5", "tflite", "tflite-int8", "saved-model"),
        help="default: from the suffix of --out (.tflite: float32); saved-model: a folder that "
        "TensorFlow Serving loads as it is, answering with the calibrated probabilities "
        "(docs/serving.md)",
    )
    p.add_argument(
        "--sample",
        metavar="DIR",
        help="representative images (a folder, searched recursively): "
        "needed for int8; for TFLite and saved-model also used to "
        "check the export",
    )
    p.add_argument("--model", help=MODEL_HELP)
    # for the app's export worker, which runs TFLite conversion in a child process: one line per
    # stage ("stage convert") and the result as "result {json}"
    p.add_argument("--progress-lines", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(handler=cmd_export)


def cmd_export(args) -> int:
    import dataclasses

    from infinityvision_desktop.core.export import ExportError, export_model

    def stage(name: str) -> None:
        print(f"stage {name}", flush=True)

    try:
        result = export_model(
            model_path(args.model),
            args.out,
            fmt=args.format,
            sample=args.sample,
            on_stage=stage if args.progress_lines else lambda name: None,
        )
    except ExportError as exc:
        error(str(exc))
        return 1
    if args.progress_lines:
        print("result " + json.dumps(dataclasses.asdict(result)), flush=True)
        return 0
    line = f"wrote {result.model_path} ({result.size_bytes / 1e6:.2f} MB, {result.format}) and {result.sidecar_path}"
    if result.calibration_images:
        line += f"; int8 calibrated on {result.calibration_images} sample images"
    if result.checked:
        line += (
            f"; its top class agrees with the Keras model's on {result.agreement:.1%} of {result.checked} sample images"
        )
    print(line)
    return 0
