"""`python -m infinityvision_desktop` and the PyInstaller entry point."""

import sys

from infinityvision_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
