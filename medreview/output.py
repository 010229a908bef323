"""Write reports atomically: a temporary file in the same directory, then a rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from typing import Iterator, TextIO

from medreview.errors import ConfigError


def write_atomic(path: Path, text: str) -> None:
    """Readers see the old file or the whole new one, never half a report."""
    with open_atomic(path) as handle:
        handle.write(text)


@contextlib.contextmanager
def open_atomic(path: Path) -> Iterator[TextIO]:
    """A file to write a report into bit by bit (a jsonl stream); it replaces `path` only when
    the block ends without an error, so readers never see half a report."""
    if path.exists() and not path.is_file():
        # /dev/null, /dev/stdout, a FIFO: renaming over it would replace the device itself.
        with _open_special(path) as handle:
            yield handle
        return
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise ConfigError(str(path), "cannot write report: the directory does not exist",
                          hint=f"create {directory} first")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise ConfigError(str(path), f"cannot write report: {exc.strerror or exc}",
                          hint="make the directory writable or choose another --output") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ConfigError(str(path), f"cannot write report: {exc.strerror or exc}",
                          hint="the previous report, if any, is unchanged") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _open_special(path: Path) -> Iterator[TextIO]:
    """Write straight into a device or pipe; a directory is an error."""
    if path.is_dir():
        raise ConfigError(str(path), "cannot write report: it is a directory",
                          hint="give a file name")
    try:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            yield handle
    except OSError as exc:
        raise ConfigError(str(path), f"cannot write report: {exc.strerror or exc}") from None
