"""`infinityvision --selftest`: load the bundled model, classify the shipped sample photos and
check the answers against those recorded when the model was bundled. One line out; exit 0 or 1.

Run from source and from the frozen bundle alike: it proves TensorFlow, the model file, image
decoding and preprocessing all work in that build.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

EXPECTED_FILE = "expected.json"
# bfloat16 inference (on CPUs that have it) moves low confidences by up to ~0.03; labels may not move
TOLERANCE = 0.05


def samples_dir() -> Path:
    from infinityvision_desktop.paths import resources_dir

    return resources_dir() / "samples"


def run(model_path: str | None = None, *, record: bool = False) -> int:
    started = time.perf_counter()
    try:
        message = _check(model_path, record)
    except Exception as exc:  # anything at all is a failed self-test, reported in one line
        _say(f"selftest FAILED: {type(exc).__name__}: {exc}")
        return 1
    _say(f"selftest passed: {message}, {time.perf_counter() - started:.1f} s")
    return 0


def _check(model_path: str | None, record: bool) -> str:
    from infinityvision_desktop.core.classify import ImageItem, classify
    from infinityvision_desktop.core.predictor import Predictor
    from infinityvision_desktop.paths import bundled_model_path

    path = Path(model_path) if model_path else bundled_model_path()
    predictor = Predictor.load(path)
    files = sorted(p for p in samples_dir().glob("*.jpg"))
    if not files:
        raise RuntimeError(f"no sample images in {samples_dir()}")
    results: list = []
    classify(
        [ImageItem(key, str(path), str(path)) for key, path in enumerate(files)], predictor, on_batch=results.extend
    )
    unreadable = [result.error for result in results if result.error]
    if unreadable:
        raise RuntimeError("; ".join(unreadable))
    answers = {
        files[r.key].name: {"label": r.prediction.label, "confidence": round(r.prediction.confidence, 4)}
        for r in results
    }
    expected_path = samples_dir() / EXPECTED_FILE
    if record:
        expected_path.write_text(json.dumps(answers, indent=2) + "\n", encoding="utf-8")
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    problems = []
    for name, want in expected.items():
        got = answers.get(name)
        if got is None:
            problems.append(f"{name} missing")
        elif got["label"] != want["label"] or abs(got["confidence"] - want["confidence"]) > TOLERANCE:
            problems.append(
                f"{name}: {got['label']} {got['confidence']:.3f}, expected {want['label']} {want['confidence']:.3f}"
            )
    if answers.get("cat_chelsea.jpg", {}).get("label") != "cat":
        problems.append("the cat photo is not called a cat")
    if problems:
        raise AssertionError("; ".join(problems))
    accuracy = predictor.metadata.test_accuracy
    accuracy_text = f", test accuracy {accuracy:.2%}" if accuracy is not None else ""
    return f"{len(files)} sample photos as expected by {path.name}{accuracy_text}"


def _say(line: str) -> None:
    # windowed builds may have no stdout at all
    if sys.stdout is not None:
        try:
            print(line, flush=True)
        except (OSError, ValueError):
            pass
