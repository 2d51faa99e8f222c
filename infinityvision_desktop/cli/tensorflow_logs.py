"""TensorFlow's start-up messages (oneDNN, CPU features, absl's banner) kept off a user's terminal:
`quiet_library_logs()` before TensorFlow is imported, by the command line and the self-test."""

from __future__ import annotations

import os
import re
import sys

# TensorFlow's C++ log lines: absl's "I0101 12:00:00.000000  1234 file.cc:12] ..." (before absl is
# initialised "I0000 00:00:1796244557.304604 ..."), and the older
# "2025-01-01 12:00:00.000000: I tensorflow/file.cc:12] ...".
_LOG_LINE = re.compile(
    rb"^(?:([IWEF])\d{4} \d\d:\d\d:\d+\.\d+ +\d+ \S+:\d+\]"
    rb"|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: ([IWEF]) \S+:\d+\])"
)
_ABSL_BANNER = b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"


def quiet_library_logs(verbose: bool = False) -> None:
    """Hide TensorFlow's INFO and WARNING messages (oneDNN, CPU features, absl's banner): they mean
    nothing to a user. Call before TensorFlow is imported. --verbose, or TF_CPP_MIN_LOG_LEVEL set by
    the user, is respected; errors always get through.

    TF_CPP_MIN_LOG_LEVEL alone is not enough: the oneDNN line is logged through Abseil by a static
    initialiser while TensorFlow's libraries load, before TensorFlow applies that variable, and it is
    logged twice because two of its libraries (libtensorflow_framework.so.2 and the profiler's
    _pywrap_profiler_plugin.so) each carry their own copy of that code and of Abseil. So during
    `import tensorflow` only (whoever imports it; Keras does), fd 2 goes to a temporary file; then
    it is restored and what was written there is passed on, less the lines below the level.
    """
    import logging

    if verbose:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "0")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    try:
        level = int(os.environ["TF_CPP_MIN_LOG_LEVEL"])
    except ValueError:
        level = 0
    if level >= 2:  # TensorFlow's and absl-py's Python loggers, to match
        for name in ("tensorflow", "absl"):
            logging.getLogger(name).setLevel(logging.ERROR)
    if (
        level >= 1
        and "tensorflow" not in sys.modules
        and not any(isinstance(finder, _QuietTensorFlowImport) for finder in sys.meta_path)
    ):
        sys.meta_path.insert(0, _QuietTensorFlowImport(level))


class _QuietTensorFlowImport:
    """A one-shot import hook: the first `import tensorflow` runs inside _FilteredStderr."""

    def __init__(self, level: int) -> None:
        self.level = level

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)
        for finder in sys.meta_path:
            spec = finder.find_spec(name, path, target) if hasattr(finder, "find_spec") else None
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        if loader is None or not hasattr(loader, "exec_module"):
            return spec
        original = loader.exec_module
        level = self.level

        def exec_module(module):
            if module.__name__ != name:  # a loader shared with other modules (a frozen app's)
                return original(module)
            try:
                with _FilteredStderr(level):
                    return original(module)
            finally:
                loader.__dict__.pop("exec_module", None)

        loader.exec_module = exec_module  # on this loader object only, and only until it has run
        return spec


class _FilteredStderr:
    """fd 2 into a temporary file; on exit restored, and the captured text written to it less
    TensorFlow's log lines below `level` (0 INFO, 1 WARNING, 2 ERROR; FATAL always shown)."""

    def __init__(self, level: int) -> None:
        self.level = level
        self.saved = self.capture = None

    def __enter__(self):
        import tempfile

        try:
            sys.stderr.flush()
            capture = tempfile.TemporaryFile()
            self.saved = os.dup(2)
            os.dup2(capture.fileno(), 2)
            self.capture = capture
        except (OSError, AttributeError, ValueError):  # no fd 2 (a windowed app): nothing to hide
            self.saved = None
        return self

    def __exit__(self, *exc_info) -> None:
        if self.capture is None:
            return
        try:
            sys.stderr.flush()  # what Python wrote meanwhile (warnings) is in the capture too
        except (AttributeError, ValueError, OSError):
            pass
        os.dup2(self.saved, 2)
        os.close(self.saved)
        self.capture.seek(0)
        captured = self.capture.read()
        self.capture.close()
        kept = b"".join(line for line in captured.splitlines(keepends=True) if self._keep(line))
        while kept:
            try:
                kept = kept[os.write(2, kept) :]
            except OSError:
                break

    def _keep(self, line: bytes) -> bool:
        if line.rstrip(b"\r\n") == _ABSL_BANNER:
            return self.level < 1
        match = _LOG_LINE.match(line)
        if match is None:
            return True
        severity = b"IWEF".index(match.group(1) or match.group(2))
        return severity >= min(self.level, 3)
