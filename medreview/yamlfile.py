"""Load YAML safely, keeping the line of every mapping key so errors can name file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import yaml

Lines = dict[tuple[str, ...], int]


def load(path: Path, error: Callable[..., Exception]) -> tuple[Any, Lines]:
    """Parse a YAML file with `yaml.safe_load`; return the data and {key path: 1-based line}.
    `error(path, problem, line=...)` builds the exception raised for unreadable or invalid YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(str(path), f"cannot be read: {exc}") from None
    return loads(text, str(path), error)


def loads(text: str, name: str, error: Callable[..., Exception]) -> tuple[Any, Lines]:
    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor" in str(exc):
            problem = f"YAML tag not allowed ({exc.problem.split('tag')[-1].strip()})" \
                if exc.problem else "YAML tag not allowed"
        raise error(name, f"invalid YAML: {problem}", line=line) from None
    except yaml.YAMLError as exc:
        raise error(name, f"invalid YAML: {exc}") from None
    lines: Lines = {}
    if node is not None:
        _collect(node, (), lines)
    return data, lines


def _collect(node: yaml.Node, path: tuple[str, ...], lines: Lines) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, str(key.value))
            lines[child] = key.start_mark.line + 1
            _collect(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect(item, (*path, str(index)), lines)


def line_of(lines: Lines, *path: str) -> int | None:
    """The line of the deepest known key along `path`."""
    for depth in range(len(path), -1, -1):
        if path[:depth] in lines:
            return lines[path[:depth]]
    return None
