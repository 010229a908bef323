"""Reporters: pure functions `render(report, **options) -> str`, one module per format."""

from __future__ import annotations

import importlib
from typing import Callable

from medreview.model import Report

FORMATS = ("text", "json", "jsonl", "sarif", "junit", "github", "gitlab", "markdown", "csv", "html")

Renderer = Callable[..., str]


def get(name: str) -> Renderer:
    """The render function of a format, imported only when used."""
    if name not in FORMATS:
        raise KeyError(name)
    module = importlib.import_module(f"medreview.reporters.{name}")
    return module.render


def render(name: str, report: Report, **options: object) -> str:
    return get(name)(report, **options)
