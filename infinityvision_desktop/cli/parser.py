"""The command line's parser: every subcommand's options, from its command group's module.

Apart from `cli/__init__.py` (which starts the GUI when no subcommand is given), so that a command
reading the parser's defaults (`train` does) never pulls the GUI in.
"""

from __future__ import annotations

import argparse

from infinityvision_desktop import __version__
from infinityvision_desktop.cli import classify, evaluate, explain, export, train

COMMAND_GROUPS = (classify, train, evaluate, explain, export)
SUBCOMMANDS = tuple(command for group in COMMAND_GROUPS for command in group.COMMANDS)
VERBOSE_FLAGS = ("-v", "--verbose")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="infinityvision",
        description=("Classify photos into the ten CIFAR-10 classes. With no command, the desktop app starts."),
    )
    parser.add_argument("--version", action="version", version=f"InfinityVision {__version__}")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show TensorFlow's own INFO and WARNING messages (hidden by default)",
    )
    sub = parser.add_subparsers(dest="command")
    for group in COMMAND_GROUPS:
        group.add_parsers(sub)
    for command in sub.choices.values():  # --verbose after the command too (the global one is before it)
        command.add_argument(
            "-v",
            "--verbose",
            action="store_true",
            default=argparse.SUPPRESS,
            help="show TensorFlow's own INFO and WARNING messages",
        )
    return parser
