"""Load YAML safely, keeping the line of every mapping key so errors can name file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import yaml

Lines = dict[tuple[str, ...], int]
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C one is several times faster


def load(path: Path, error: Callable[..., Exception]) -> tuple[Any, Lines]:
    """Parse a YAML file with `yaml.safe_load`; return the data and {key path: 1-based line}.
    `error(path, problem, line=..., hint=...)` builds the exception raised for unreadable or
    invalid YAML."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(str(path), f"cannot be read: {exc.strerror or exc}",
                    hint="check the path and the file's permissions") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise error(str(path), f"not valid UTF-8: byte 0x{data[exc.start:exc.start + 1].hex()} "
                               f"at offset {exc.start} cannot be decoded", line=line,
                    hint="save the file as UTF-8") from None
    return loads(text, str(path), error)


def loads(text: str, name: str, error: Callable[..., Exception]) -> tuple[Any, Lines]:
    try:
        node, data = _parse(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise error(name, f"invalid YAML: {_problem(exc)}", line=line,
                    hint=_hint(exc)) from None
    except yaml.reader.ReaderError as exc:  # a control character: no mark, only a position
        raise error(name, f"invalid YAML: character #x{exc.character:04x} is not allowed "
                          f"({exc.reason})", line=text.count("\n", 0, exc.position) + 1,
                    hint="remove the character") from None
    except yaml.YAMLError as exc:
        raise error(name, "invalid YAML: " + " ".join(str(exc).split()),
                    hint="check the file's YAML syntax") from None
    lines: Lines = {}
    if node is not None:
        _collect(node, (), lines)
    return data, lines


def _parse(text: str) -> tuple[yaml.Node | None, Any]:
    """One pass of the safe loader (libyaml's when PyYAML has it: a 100,000-term rule file
    loads in about a second) giving both the node tree, for lines, and the data."""
    loader = SAFE_LOADER(text)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def _problem(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or "invalid YAML"
    if "could not determine a constructor" in problem:  # a !!python/... tag: never built
        return "YAML tag not allowed:" + problem.split("for the tag", 1)[-1].rstrip()
    problem = problem.replace("'<stream end>'", "the end of the file")
    return f"{exc.context}, {problem}" if exc.context else problem


def _hint(exc: yaml.MarkedYAMLError) -> str:
    if exc.problem and "could not determine a constructor" in exc.problem:
        return "rules are plain data: remove the tag"
    return "check the YAML syntax on this line or the one before"


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
