"""`infinityvision`: the GUI with no subcommand; classify, train, combine, evaluate, explain and export
from a terminal.

One module per command group (`classify`, `train` with `combine`, `evaluate`, `explain`, `export`),
each adding its parsers and handlers; `console` holds what they print besides their answers and
`tensorflow_logs` keeps TensorFlow's start-up messages off the terminal.

Exit codes: 0 success, 1 when any image or the run failed, 2 on usage errors (argparse).
Heavy imports (TensorFlow, Qt) happen inside the subcommands that need them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from infinityvision_desktop.cli import train
from infinityvision_desktop.cli.parser import SUBCOMMANDS, VERBOSE_FLAGS, build_parser
from infinityvision_desktop.cli.tensorflow_logs import quiet_library_logs

# which trainer a `train` command line runs; tests/core/test_teach.py asks it here
_train_path = train.train_path

__all__ = ["SUBCOMMANDS", "build_parser", "main", "quiet_library_logs"]


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    leading = next((i for i, arg in enumerate(argv) if arg not in VERBOSE_FLAGS), len(argv))
    verbose, rest = leading > 0, argv[leading:]  # `infinityvision --verbose [COMMAND ...]`
    if rest and rest[0] == "--selftest":
        quiet_library_logs(verbose or any(arg in VERBOSE_FLAGS for arg in rest))
        from infinityvision_desktop import selftest

        model = rest[rest.index("--model") + 1] if "--model" in rest[:-1] else None
        return selftest.run(model, record="--record" in rest)
    if not rest or rest[0] not in SUBCOMMANDS and rest[0] not in ("-h", "--help", "--version"):
        # the GUI: TensorFlow loads on a worker thread while the window is up, so fd 2 is left alone
        # (no quiet_library_logs); app.launch sets TF_CPP_MIN_LOG_LEVEL=2 unless --verbose set 0 here
        if verbose:
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "0")
        from infinityvision_desktop.gui import preflight

        if preflight.ensure(rest):  # no display, or a library Qt's xcb plugin needs: one line, exit 1
            return 1
        from infinityvision_desktop.gui.app import run

        return run(rest)
    parser = build_parser()
    args = parser.parse_args(argv)
    quiet_library_logs(args.verbose)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
