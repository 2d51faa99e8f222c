"""`pip install .` gives the app with its data: the wheel carries the models and resources.

models/ and resources/ sit at the top of the repository; pyproject.toml puts them inside the
package in the wheel (infinityvision_desktop/models, infinityvision_desktop/resources), where
paths.py looks for them in an installed copy.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "infinityvision_desktop"
MODELS = ("cifar10_ensemble.h5", "efficientnet_lite0_imagenet.h5")
LANGUAGES = ("en", "uk")
BACKEND = "hatchling"  # pyproject.toml [build-system]
# what pip says when it cannot get the build backend (no index reachable, nothing cached)
BACKEND_UNAVAILABLE = (
    f"No matching distribution found for {BACKEND}",
    f"Could not find a version that satisfies the requirement {BACKEND}",
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(ROOT)]
    if importlib.util.find_spec(BACKEND) is not None:
        command.insert(-1, "--no-build-isolation")  # the backend is here: no download needed
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=600, env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    )
    output = done.stdout + done.stderr
    missing = [line.strip() for line in output.splitlines() if any(message in line for message in BACKEND_UNAVAILABLE)]
    if done.returncode != 0 and missing:
        pytest.skip(f"the build backend ({BACKEND}) is not installed here and pip cannot download it: {missing[-1]}")
    assert done.returncode == 0, output
    wheels = list(out.glob("infinityvision_desktop-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def _names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.mark.slow
def test_the_wheel_carries_the_models_translations_and_licenses(wheel):
    names = _names(wheel)

    for model in MODELS:
        assert f"{PACKAGE}/models/{model}" in names
    for language in LANGUAGES:
        assert f"{PACKAGE}/resources/translations/infinityvision_{language}.qm" in names
    licenses = sorted(path.name for path in (ROOT / "resources" / "licenses").iterdir() if path.is_file())
    assert licenses, "resources/licenses is empty in the checkout"
    for name in licenses:
        assert f"{PACKAGE}/resources/licenses/{name}" in names
    for name in (
        "icons/app.png",
        "icons/app.ico",
        "samples/cat_chelsea.jpg",
        "samples/expected.json",
        "imagenet_classes.json",
    ):
        assert f"{PACKAGE}/resources/{name}" in names
    assert f"{PACKAGE}/cli/__init__.py" in names and f"{PACKAGE}/core/datasets.py" in names


@pytest.mark.slow
def test_the_wheel_leaves_out_the_screenshots_and_the_tools(wheel):
    names = _names(wheel)

    assert not [name for name in names if "screenshot" in name]  # the README's pictures
    assert not [name for name in names if name.endswith(".ts") or name.endswith("/update.py")]
    assert f"{PACKAGE}/models/convert_efficientnet_lite.py" not in names
    assert not [name for name in names if name.endswith(".whl") or "__pycache__" in name]
    # everything inside the package: no top-level models/ or resources/ in site-packages
    dist_info = "-".join(wheel.name.split("-")[:2]) + ".dist-info"  # infinityvision_desktop-0.1.0.dist-info
    assert {name.split("/", 1)[0] for name in names} == {PACKAGE, dist_info}


@pytest.mark.slow
def test_paths_finds_the_data_in_an_unpacked_wheel(wheel, tmp_path):
    """The installed layout (no repository around it): paths.py finds the package's own copy."""
    site = tmp_path / "site-packages"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    probe = (
        "from infinityvision_desktop import paths; "
        "print(paths.__file__); print(paths.models_dir()); print(paths.resources_dir()); "
        "print(paths.bundled_model_path().is_file())"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(site)},
    )

    assert done.returncode == 0, done.stderr
    module, models, resources, model_found = done.stdout.splitlines()
    package = (site / PACKAGE).resolve()
    assert Path(module).resolve().parent == package
    assert Path(models) == package / "models"
    assert Path(resources) == package / "resources"
    assert model_found == "True"


@pytest.mark.parametrize("name", MODELS)
def test_the_shipped_models_name_no_folder_of_the_machine_they_were_made_on(name):
    # their metadata travels to every user (the Model tab, exports): a data source is named by its
    # file, not by a path on the developer's machine (the ensemble's airbench member once named
    # the development machine's dataset folder, relative to the project)
    from infinityvision_desktop.core.modelfile import read_metadata

    def strings(value):
        if isinstance(value, dict):
            for item in value.values():
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)
        elif isinstance(value, str):
            yield value

    metadata = read_metadata(ROOT / "models" / name)
    assert metadata is not None
    outside = [s for s in strings(metadata.to_dict()) if s.startswith(("../", "/", "~")) or "/../" in s]
    assert outside == []
