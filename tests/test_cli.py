"""The command line: classify, evaluate and train as a user runs them (in-process, except --version)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
from generated_data import CLASS_COLOURS, make_class_folders

from infinityvision_desktop import __version__, cli

LABELS = tuple(CLASS_COLOURS)
PREDICTION_KEYS = {"path", "label", "confidence", "not_sure", "probabilities"}


@pytest.fixture
def image_folder(tmp_path):
    root = make_class_folders(tmp_path / "photos", labels=("cat", "ship"), per_class=2)
    make_class_folders(root / "cat" / "more", labels=("frog",), per_class=1, seed=1)  # nested deeper
    (root / "cat" / "notes.txt").write_text("not an image, not listed")
    return root


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def test_classify_json_prints_one_object_per_image_in_sorted_order(image_folder, tiny_model_path, capsys):
    code = cli.main(["classify", str(image_folder), "--model", str(tiny_model_path), "--json"])

    out = capsys.readouterr().out
    rows = json_lines(out)
    expected = sorted(str(p) for p in image_folder.rglob("*.png"))
    assert code == 0
    assert [row["path"] for row in rows] == expected
    assert len(rows) == 5  # the folder inside a class folder is searched too
    for row in rows:
        assert set(row) == PREDICTION_KEYS
        assert list(row["probabilities"]) == list(LABELS)
        assert sum(row["probabilities"].values()) == pytest.approx(1.0, abs=1e-5)
        assert row["confidence"] == max(row["probabilities"].values())
        assert row["label"] == max(row["probabilities"], key=row["probabilities"].get)
        assert isinstance(row["not_sure"], bool)
    by_name = {row["path"].split("photos/", 1)[1]: row["label"] for row in rows}
    assert by_name["ship/000.png"] == "ship" and by_name["cat/more/frog/000.png"] == "frog"


def test_classify_json_reports_bad_files_and_exits_1(image_folder, tiny_model_path, tmp_path, capsys):
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"\x00\x01 definitely not a picture")
    missing = tmp_path / "missing.jpg"
    good = sorted(image_folder.rglob("*.png"))[:2]

    code = cli.main(
        ["classify", str(good[0]), str(bad), str(missing), str(good[1]), "--model", str(tiny_model_path), "--json"]
    )

    rows = json_lines(capsys.readouterr().out)
    assert code == 1
    assert [row["path"] for row in rows] == [str(good[0]), str(bad), str(missing), str(good[1])]
    assert rows[1] == {"path": str(bad), "error": "not an image"}
    assert rows[2] == {"path": str(missing), "error": "file not found"}
    assert set(rows[0]) == set(rows[3]) == PREDICTION_KEYS


def test_classify_table_ends_with_the_counts(image_folder, tiny_model_path, tmp_path, capsys):
    bad = tmp_path / "empty.png"
    bad.write_bytes(b"")

    code = cli.main(["classify", str(image_folder), str(bad), "--model", str(tiny_model_path)])

    lines = capsys.readouterr().out.splitlines()
    assert code == 1
    assert lines[-1] == "5 classified, 1 skipped"
    assert lines[-2].endswith("error: file is empty")
    assert len(lines) == 7


def test_classify_all_good_exits_0_with_the_table(image_folder, tiny_model_path, capsys):
    code = cli.main(["classify", str(image_folder / "ship"), "--model", str(tiny_model_path)])

    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert lines[-1] == "2 classified, 0 skipped"
    assert all("%" in line for line in lines[:-1])


def test_classify_with_a_broken_model_names_it_and_exits_1(image_folder, tmp_path, capsys):
    model = tmp_path / "broken.h5"
    model.write_bytes(b"")

    code = cli.main(["classify", str(image_folder), "--model", str(model), "--json"])

    captured = capsys.readouterr()
    assert code == 1 and captured.out == ""
    assert captured.err.strip() == "infinityvision: broken.h5: file is empty"


def test_classify_an_empty_folder_exits_1(tmp_path, capsys):
    (tmp_path / "nothing").mkdir()

    assert cli.main(["classify", str(tmp_path / "nothing")]) == 1
    assert "no images found" in capsys.readouterr().err


def test_an_unknown_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["classify", "photo.jpg", "--no-such-option"])

    assert caught.value.code == 2
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err


def test_a_missing_required_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as caught:
        cli.main(["evaluate"])
    assert caught.value.code == 2
    assert "--data" in capsys.readouterr().err


def test_evaluate_json_reports_accuracy_and_confusion(tmp_path, tiny_model_path, capsys):
    data = make_class_folders(tmp_path / "data", labels=LABELS, per_class=2, test_per_class=3, seed=9)

    code = cli.main(["evaluate", "--model", str(tiny_model_path), "--data", str(data), "--json"])

    out = capsys.readouterr().out
    report = json.loads(out)
    assert code == 0 and len(out.splitlines()) == 1
    assert {"accuracy", "labels", "confusion", "per_class", "ece", "n"} <= set(report)
    assert report["labels"] == list(LABELS)
    assert report["n"] == 12  # the test split: 3 images of 4 classes
    assert [sum(row) for row in report["confusion"]] == [3, 3, 3, 3]
    diagonal = sum(report["confusion"][i][i] for i in range(4))
    assert report["accuracy"] == pytest.approx(diagonal / 12)
    assert report["accuracy"] >= 0.75
    assert set(report["per_class"]) == set(LABELS)
    assert 0 <= report["ece"] <= 1


def test_evaluate_scores_photos_as_the_app_answers_them_with_the_imagenet_opinion(
    tmp_path, tiny_model_path, capsys, monkeypatch
):
    # without --report too: a photo's answer weighs the ImageNet classifier's opinion (core.openset)
    from infinityvision_desktop.core.openset import Opinion
    from infinityvision_desktop.core.predictor import Predictor

    load = Predictor.load

    def load_with_check(path, **kwargs):
        predictor = load(path, **kwargs)
        predictor.metadata = predictor.metadata.replace(open_set={"imagenet_threshold": 0.9})
        return predictor

    class SureOfFrogs:  # an ImageNet classifier that sees a bullfrog in every photo
        def check(self, images):
            return [Opinion((0.0, 0.0, 1.0, 0.0), 0.0, None) if min(i.shape[:2]) >= 64 else None for i in images]

    monkeypatch.setattr(Predictor, "load", staticmethod(load_with_check))
    monkeypatch.setattr(Predictor, "open_set_check", lambda self: SureOfFrogs())
    photos = make_class_folders(tmp_path / "photos", labels=LABELS, per_class=1, test_per_class=3, size=96, seed=9)

    assert cli.main(["evaluate", "--model", str(tiny_model_path), "--data", str(photos), "--json"]) == 0

    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 12
    assert [row[LABELS.index("frog")] for row in report["confusion"]] == [3, 3, 3, 3]  # all frogs, as in the app


def test_evaluate_refuses_data_with_other_classes(tmp_path, tiny_model_path, capsys):
    data = make_class_folders(tmp_path / "data", labels=("cat", "dog"), per_class=2, test_per_class=1)

    code = cli.main(["evaluate", "--model", str(tiny_model_path), "--data", str(data)])

    assert code == 1
    assert "the data's classes (cat, dog) differ from the model's (cat, dog, frog, ship)" in capsys.readouterr().err


def test_train_cifar10_offline_fails_quickly_with_a_hint(tmp_path, monkeypatch, capsys):
    import infinityvision_desktop.core.pipeline  # noqa: F401  (TensorFlow's start-up is not what is timed)

    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))  # no real download cache can skip the check

    def unreachable(*args, **kwargs):
        raise OSError(101, "Network is unreachable")

    monkeypatch.setattr(socket, "create_connection", unreachable)
    out = tmp_path / "model.h5"

    started = time.perf_counter()
    code = cli.main(
        [
            "train",
            "--data",
            "cifar10",
            "--out",
            str(out),
            "--checkpoint-dir",
            str(tmp_path / "ckpt"),
            "--epochs",
            "1",
            "--precision",
            "float32",
        ]
    )
    seconds = time.perf_counter() - started

    err = capsys.readouterr().err
    assert code == 1
    assert seconds < 10
    assert "cannot download CIFAR-10 (no connection" in err
    assert "https://www.cs.toronto.edu/~kriz/cifar.html" in err  # where to get CIFAR-10
    assert "one sub-folder per class" in err and ".tar.gz" in err  # which local copies work
    assert not out.exists()


# ---------------------------------------------------------------- train: the fine-tune pipeline

QUICK_RUN = ["--arch", "airbench", "--epochs", "2", "--batch-size", "16", "--lr", "0.2", "--precision", "float32"]


@pytest.mark.slow
def test_a_cancelled_train_resumes_and_a_finished_one_leaves_no_checkpoint(tmp_path, monkeypatch, capsys):
    from infinityvision_desktop.cli.console import TerminalProgress

    data = make_class_folders(tmp_path / "data", labels=("cat", "dog"), per_class=12, seed=3)
    checkpoint, out = tmp_path / "ckpt", tmp_path / "model.h5"
    command = ["train", "--data", str(data), "--out", str(out), "--checkpoint-dir", str(checkpoint), *QUICK_RUN]

    def ctrl_c(progress, metrics):  # as the first epoch ends, its checkpoint written
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(TerminalProgress, "epoch_done", ctrl_c)
        assert cli.main(command) == 130
    assert not out.exists() and checkpoint.is_dir()  # kept for --resume

    assert cli.main([*command, "--resume"]) == 0

    printed = capsys.readouterr()
    assert "Resuming after epoch 1" in printed.err and f"saved {out} (finished" in printed.out
    assert out.exists() and not checkpoint.exists()  # finished: nothing left to resume


def test_the_progress_bar_counts_the_whole_run_and_its_time_left_comes_from_core():
    import io

    from infinityvision_desktop.cli.console import TerminalProgress
    from infinityvision_desktop.core.training_config import Stage

    head, fine = Stage("head", 0, 1, "head", "adam", 1e-3), Stage("fine-tune", 1, 1, "fine", "sgd", 0.01)
    stream = io.StringIO()
    progress = TerminalProgress([head, fine], stream=stream)
    progress.stage_changed(head, 10)

    progress.batch_done(head, 1, 10, 10, 1.5)  # the last batch of an epoch is always drawn

    line = stream.getvalue().rsplit("\r\033[K", 1)[-1]
    assert line == "head epoch 1/1 [###############...............] batch 10/10 loss 1.500 ETA estimating"


def test_version_runs_as_a_module():
    done = subprocess.run(
        [sys.executable, "-m", "infinityvision_desktop", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"InfinityVision {__version__}"


# ---------------------------------------------------------------- explain


def test_explain_writes_the_photo_with_the_heatmap_over_it(tmp_path, tiny_model_path, capsys):
    from PIL import Image

    photo = make_class_folders(tmp_path / "photos", labels=("frog",), per_class=1, size=64) / "frog" / "000.png"
    out = tmp_path / "frog_heatmap.png"

    code = cli.main(["explain", str(photo), "--model", str(tiny_model_path), "--out", str(out)])

    printed = capsys.readouterr().out
    assert code == 0
    assert printed.startswith(f"{photo}: frog ") and printed.rstrip().endswith(f"written to {out}")
    assert "heatmap for frog, the answer" in printed
    with Image.open(out) as written, Image.open(photo) as original:
        assert written.size == original.size == (64, 64)
        assert np.abs(np.asarray(written, dtype=int) - np.asarray(original.convert("RGB"), dtype=int)).mean() > 5


def test_explain_another_class_and_its_errors(tmp_path, tiny_model_path, capsys):
    photo = make_class_folders(tmp_path / "photos", labels=("ship",), per_class=1) / "ship" / "000.png"

    assert (
        cli.main(
            [
                "explain",
                str(photo),
                "--model",
                str(tiny_model_path),
                "--class",
                "CAT",
                "--out",
                str(tmp_path / "cat.png"),
            ]
        )
        == 0
    )
    assert "heatmap for cat (" in capsys.readouterr().out

    assert (
        cli.main(
            [
                "explain",
                str(photo),
                "--model",
                str(tiny_model_path),
                "--class",
                "horse",
                "--out",
                str(tmp_path / "x.png"),
            ]
        )
        == 1
    )
    assert capsys.readouterr().err.strip() == (
        "infinityvision: the model has no class 'horse' (its classes: cat, dog, frog, ship)"
    )

    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    assert cli.main(["explain", str(empty), "--model", str(tiny_model_path), "--out", str(tmp_path / "x.png")]) == 1
    assert capsys.readouterr().err.strip() == "infinityvision: empty.jpg: file is empty"

    assert cli.main(["explain", str(photo), "--out", str(tmp_path / "missing" / "x.png")]) == 1
    assert "the folder" in capsys.readouterr().err and not (tmp_path / "missing").exists()


# ---------------------------------------------------------------- evaluate --report


def test_evaluate_report_writes_charts_and_every_prediction(tmp_path, tiny_model_path, capsys):
    import csv

    data = make_class_folders(tmp_path / "data", labels=LABELS, per_class=2, test_per_class=3, seed=9)
    report = tmp_path / "report"

    code = cli.main(
        ["evaluate", "--model", str(tiny_model_path), "--data", str(data), "--json", "--report", str(report)]
    )

    captured = capsys.readouterr()
    assert code == 0
    assert json.loads(captured.out)["n"] == 12  # the same JSON as without --report
    assert f"report written to {report}: confusion_matrix.png, per_class.png, misclassified.png" in captured.err
    with open(report / "predictions.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 12 and {row["name"].split("/")[0] for row in rows} == {"test"}
    assert all(row["true"] == row["name"].split("/")[1] for row in rows)
    for chart in ("confusion_matrix.png", "per_class.png", "misclassified.png"):
        assert (report / chart).read_bytes().startswith(b"\x89PNG")


def test_evaluate_report_refuses_what_it_cannot_score(tmp_path, tiny_model_path, capsys):
    assert cli.main(["evaluate", "--model", str(tiny_model_path), "--data", "cifar10", "--report", str(tmp_path)]) == 1
    assert "--report needs --data to be a folder or archive" in capsys.readouterr().err
    data = make_class_folders(tmp_path / "data", labels=("cat", "dog"), per_class=2)
    assert (
        cli.main(["evaluate", "--model", str(tiny_model_path), "--data", str(data), "--report", str(tmp_path / "r")])
        == 1
    )
    assert "the data's classes (cat, dog) differ from the model's (cat, dog, frog, ship)" in capsys.readouterr().err


# ---------------------------------------------------------------- classify --sort-into


def test_classify_sort_into_copies_each_image_into_its_class_folder(image_folder, tiny_model_path, tmp_path, capsys):
    out = tmp_path / "sorted"
    before = sorted(p.relative_to(image_folder) for p in image_folder.rglob("*"))

    code = cli.main(["classify", str(image_folder), "--model", str(tiny_model_path), "--sort-into", str(out)])

    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert sorted(p.relative_to(image_folder) for p in image_folder.rglob("*")) == before  # nothing moved
    copies = sorted(str(p.relative_to(out)) for p in out.rglob("*.png"))
    assert len(copies) == 5
    assert "ship/000.png" in copies and "frog/000.png" in copies  # named after the predicted class
    assert lines[-1].startswith(f"copied 5 images into {out} (") and lines[-1].endswith(
        f"every prediction in {out / 'predictions.csv'}"
    )
    with open(out / "predictions.csv", encoding="utf-8-sig") as handle:
        assert handle.read().count("\n") == 6


def test_classify_sort_into_with_json_keeps_stdout_pure_and_reports_a_bad_destination(
    image_folder, tiny_model_path, tmp_path, capsys
):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the folder should be")
    code = cli.main(
        [
            "classify",
            str(image_folder / "ship"),
            "--model",
            str(tiny_model_path),
            "--json",
            "--sort-into",
            str(blocker / "sorted"),
        ]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert len(json_lines(captured.out)) == 2
    assert captured.err.strip().endswith("sorted: the folder cannot be created (Not a directory)")


# ---------------------------------------------------------------- export


def test_export_writes_the_model_and_its_json(tmp_path, tiny_model_path, capsys):
    out = tmp_path / "exported" / "tiny.tflite"
    sample = make_class_folders(tmp_path / "sample", labels=LABELS, per_class=5)

    code = cli.main(["export", "--model", str(tiny_model_path), "--out", str(out), "--sample", str(sample)])

    printed = capsys.readouterr().out.strip()
    assert code == 0
    assert printed.startswith(f"wrote {out} (") and f"tflite) and {out}.json" in printed
    assert "agrees with the Keras model's on" in printed and "of 20 sample images" in printed
    assert json.loads((tmp_path / "exported" / "tiny.tflite.json").read_text())["labels"] == list(LABELS)


def test_export_int8_without_a_sample_says_what_it_needs(tmp_path, tiny_model_path, capsys):
    code = cli.main(
        ["export", "--model", str(tiny_model_path), "--out", str(tmp_path / "m.tflite"), "--format", "tflite-int8"]
    )
    assert code == 1
    assert capsys.readouterr().err.strip() == (
        "infinityvision: m.tflite: int8 needs a representative sample: a folder of typical images to calibrate on"
    )


# ---------------------------------------------------------------- TensorFlow's start-up messages

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# stands in for TensorFlow: what its libraries write to fd 2 while `import tensorflow` runs
FAKE_TENSORFLOW = r"""
import os, sys
os.write(2, b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n")
os.write(2, b"I0000 00:00:1796244557.304604   11465 port.cc:153] oneDNN custom operations are on.\n")
os.write(2, b"E0000 00:00:1796244557.304604   11465 cuda_dnn.cc:1] a real error\n")
print("a warning from Python", file=sys.stderr)
if os.environ.get("FAKE_TENSORFLOW_FAILS"):
    raise RuntimeError("broken install")
"""
IMPORT_IT = (
    "import sys; from infinityvision_desktop import cli; cli.quiet_library_logs('-v' in sys.argv); "
    "import tensorflow; print('imported', file=sys.stderr)"
)


def _without_log_level(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    return {**env, **extra}


def test_the_quiet_import_hides_start_up_info_and_keeps_errors(tmp_path):
    (tmp_path / "tensorflow").mkdir()
    (tmp_path / "tensorflow" / "__init__.py").write_text(FAKE_TENSORFLOW)
    path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))

    def run(*args, **env):
        return subprocess.run(
            [sys.executable, "-c", IMPORT_IT, *args],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
            env=_without_log_level(PYTHONPATH=path, **env),
        )

    quiet = run()
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stderr.splitlines() == [
        "E0000 00:00:1796244557.304604   11465 cuda_dnn.cc:1] a real error",
        "a warning from Python",
        "imported",
    ]
    for shown in (run("-v"), run(TF_CPP_MIN_LOG_LEVEL="0")):  # --verbose, or the user's own level
        assert shown.returncode == 0, shown.stderr
        assert len(shown.stderr.splitlines()) == 5 and "oneDNN custom operations are on" in shown.stderr
    failed = run(FAKE_TENSORFLOW_FAILS="1")  # the import fails: stderr is back for the traceback
    assert failed.returncode == 1
    assert "a real error" in failed.stderr and "RuntimeError: broken install" in failed.stderr
    assert "oneDNN" not in failed.stderr


def test_verbose_is_an_option_before_and_after_the_command():
    parser = cli.build_parser()
    assert parser.parse_args(["--verbose", "classify", "x.jpg"]).verbose
    assert parser.parse_args(["classify", "-v", "x.jpg"]).verbose
    assert not parser.parse_args(["classify", "x.jpg"]).verbose


@pytest.mark.slow
def test_classify_as_a_user_runs_it_leaves_stderr_empty():
    """No TF_CPP_MIN_LOG_LEVEL in the environment: TensorFlow's start-up lines (oneDNN, absl's banner,
    printed twice by two of its libraries) do not reach the terminal; the answer does."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "infinityvision_desktop",
            "classify",
            os.path.join("resources", "samples", "cat_chelsea.jpg"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env=_without_log_level(),
    )

    assert done.returncode == 0, done.stderr
    assert "cat_chelsea.jpg" in done.stdout and "cat" in done.stdout.split("cat_chelsea.jpg", 1)[1]
    assert done.stderr == ""
