"""Update the translations: extract the GUI's strings into the .ts files, then compile the .qm files.

    python resources/translations/update.py            # lupdate, then lrelease
    python resources/translations/update.py --release  # lrelease only (after editing a .ts)

The .ts files are the sources translators edit (Qt Linguist: `pyside6-linguist infinityvision_uk.ts`);
the .qm files are what the app loads, and are committed so that running the app never needs these
tools. English is the language of the source strings: its .ts holds only the plural forms
(`-pluralonly`: "%n entry" / "%n entries"). Messages that lupdate adds are "unfinished" until
translated; tests/gui/test_i18n.py fails while any is.

Uses pyside6-lupdate and pyside6-lrelease (PySide6-Essentials), from the running Python's
environment first, else from PATH.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SOURCES = ROOT / "infinityvision_desktop" / "gui"
LANGUAGES = ("uk", "en")
SOURCE_LANGUAGE = "en"


def tool(name: str) -> str:
    """pyside6-<name> beside the running interpreter (a venv's bin/), else on PATH."""
    for candidate in (Path(sys.executable).parent / f"pyside6-{name}", Path(sys.executable).parent / f"pyside6-{name}.exe"):
        if candidate.is_file():
            return str(candidate)
    found = shutil.which(f"pyside6-{name}") or shutil.which(name)
    if found is None:
        raise SystemExit(f"pyside6-{name} not found: install PySide6-Essentials in this environment")
    return found


def ts_path(language: str, folder: Path = HERE) -> Path:
    return folder / f"infinityvision_{language}.ts"


def qm_path(language: str, folder: Path = HERE) -> Path:
    return folder / f"infinityvision_{language}.qm"


def source_files() -> list[Path]:
    return sorted(path for path in SOURCES.rglob("*.py") if "__pycache__" not in path.parts)


def lupdate(language: str, ts: Path) -> str:
    """Merge the sources' current strings into `ts` (created if missing); returns lupdate's report."""
    command = [tool("lupdate"), *map(str, source_files()), "-no-obsolete", "-locations", "relative",
               "-target-language", language, "-ts", str(ts)]
    if language == SOURCE_LANGUAGE:
        command.insert(-2, "-pluralonly")
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout + done.stderr


def lrelease(ts: Path, qm: Path) -> str:
    done = subprocess.run([tool("lrelease"), str(ts), "-qm", str(qm)], capture_output=True, text=True, check=True)
    return done.stdout + done.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", action="store_true", help="only compile the .ts files to .qm")
    options = parser.parse_args(argv)
    for language in LANGUAGES:
        if not options.release:
            print(lupdate(language, ts_path(language)).strip())
        print(lrelease(ts_path(language), qm_path(language)).strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
