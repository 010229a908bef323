"""A progress bar on standard error for long reviews, shown only when stderr is a terminal."""

from __future__ import annotations

import sys
from typing import Iterable, Iterator, TextIO, TypeVar

import click

T = TypeVar("T")


def progress(items: Iterable[T], total: int, stream: TextIO | None = None) -> Iterator[T]:
    """Yield `items` unchanged, drawing a bar of `total` steps on `stream` (stderr) when it is a
    terminal and there is more than one post; redirected or piped runs stay silent."""
    stream = stream or sys.stderr
    if total < 2 or not stream.isatty():
        yield from items
        return
    with click.progressbar(length=total, label="Reviewing", file=stream,
                           show_pos=True, show_eta=True) as bar:
        for item in items:
            yield item
            bar.update(1)
