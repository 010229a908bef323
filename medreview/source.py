"""Read a post from disk: bytes -> decoded text with newlines normalised, format and hash."""

from __future__ import annotations

import errno
import hashlib
import os
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from medreview.errors import InputError

FORMATS_BY_SUFFIX = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
}
FORMATS = ("markdown", "text", "html")
_NEWLINE = re.compile("\n")


@dataclass(frozen=True)
class Source:
    """A post's text. Newlines are normalised to "\\n"; line and column numbers are unchanged by
    that, so every offset into `text` maps to the same line:column in the original file."""

    path: str
    text: str
    format: str
    sha256: str
    encoding: str = "utf-8"
    line_starts: tuple[int, ...] = field(default=(), compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.line_starts:
            starts = [0]
            starts.extend(match.end() for match in _NEWLINE.finditer(self.text))
            object.__setattr__(self, "line_starts", tuple(starts))

    def location(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset; columns count Unicode code points."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its newline."""
        start = self.line_starts[line - 1]
        end = self.text.find("\n", start)
        return self.text[start:] if end == -1 else self.text[start:end]


def format_for(path: Path, override: str | None = None, display: str | None = None) -> str:
    """The input format named by `override`, else by the file's extension."""
    if override:
        return override
    fmt = FORMATS_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        raise InputError(
            display or str(path),
            f"unknown file type '{path.suffix or '(no extension)'}'",
            hint="use .md, .markdown, .txt, .html or .htm, or pass --input-format",
        )
    return fmt


def decode(data: bytes, path: str) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM) or BOM-marked UTF-16; refuse binary data."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", path), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", path), "utf-16"
    if b"\x00" in data[:8192]:
        raise InputError(path, "binary file (contains NUL bytes), not a text post",
                         hint="is it an image or a document with a text extension? "
                              "save the post as UTF-8 text")
    return _strict(data, "utf-8", path), "utf-8"


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        # The text before the bad byte decodes, so its newlines give the line to look at.
        line = normalise_newlines(data[:exc.start].decode(encoding, errors="replace")).count("\n") + 1
        byte = data[exc.start:exc.start + 1].hex()
        raise InputError(path, f"not valid {encoding.upper()}: byte 0x{byte} at offset {exc.start} "
                               "cannot be decoded", line=line,
                         hint="save the file as UTF-8") from None


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def source_from_bytes(data: bytes, path: str, fmt: str) -> Source:
    """Build a Source from raw bytes (used for files and for in-memory examples)."""
    if fmt not in FORMATS:
        raise InputError(path, f"unknown input format '{fmt}'", hint="use markdown, text or html")
    text, encoding = decode(data, path)
    text = normalise_newlines(text)
    if not text.strip():
        raise InputError(path, "file is empty" if not text else "file contains only whitespace",
                         hint="nothing to review: add content or leave the file out")
    return Source(path=path, text=text, format=fmt, sha256=hashlib.sha256(data).hexdigest(),
                  encoding=encoding)


def read_source(path: Path, display: str, fmt: str | None = None) -> Source:
    """Read and decode one post; every failure is an InputError naming the file."""
    check_readable(path, display)
    fmt = format_for(path, fmt, display)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise read_error(exc, path, display) from None
    return source_from_bytes(data, display, fmt)


def check_readable(path: Path, display: str) -> None:
    """Fail early, before the file type is judged, when the path is missing or a bad link."""
    try:
        path.stat()
    except OSError as exc:
        raise read_error(exc, path, display) from None


def read_error(exc: OSError, path: Path, display: str) -> InputError:
    """The InputError for an OS error met while opening or reading a post."""
    if exc.errno == errno.ELOOP:
        return InputError(display, "symbolic link loop: the link leads back to itself",
                          hint="fix or remove the link")
    if isinstance(exc, FileNotFoundError) and path.is_symlink():
        return InputError(display, f"broken symbolic link: its target '{os.readlink(path)}' "
                                   "does not exist", hint="fix or remove the link")
    if isinstance(exc, FileNotFoundError):
        return InputError(display, "file not found", hint="check the path")
    if isinstance(exc, IsADirectoryError):
        return InputError(display, "is a directory, not a post",
                          hint="review a directory with `medreview check DIR`")
    if isinstance(exc, PermissionError):
        return InputError(display, "permission denied: the file cannot be read",
                          hint="make it readable with chmod a+r, or leave it out")
    return InputError(display, f"cannot be read: {exc.strerror or exc}",
                      hint="check the file and the disk, then run again")
