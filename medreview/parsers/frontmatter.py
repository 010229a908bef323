"""YAML front matter between `---` lines at the top of a Markdown or text post.

Also home to `copy_aligned`, which copies parser output into the builder while finding where
each piece stands in the source (shared with the Markdown parser).
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from medreview.document import DocumentBuilder
from medreview.errors import InputError
from medreview.source import Source

OPENING_FENCE = "---"
CLOSING_FENCES = ("---", "...")
# Fields whose values are prose a reader sees (page title, search snippet), so rules check them.
PROSE_FIELDS = ("title", "description", "summary", "excerpt")
HINT = "fix the YAML between the --- lines"

_PIECES = re.compile(r"\s+|\S+")


def split_front_matter(source: Source, builder: DocumentBuilder) -> int:
    """Read front matter into `builder` and return the source offset where the body starts."""
    fences = _find_fences(source.text)
    if fences is None:
        return 0
    yaml_start, yaml_end, body_start = fences
    yaml_text = source.text[yaml_start:yaml_end]
    first_line = source.location(yaml_start)[0]
    data = _load(yaml_text, source.path, first_line)
    builder.front_matter.update(data)
    nodes = _top_level_nodes(yaml_text)
    for name, (key_node, _value) in nodes.items():
        builder.front_matter_lines[name] = key_node.start_mark.line + first_line
    for name, (_key, value_node) in nodes.items():
        if name in PROSE_FIELDS and isinstance(data.get(name), str):
            _emit_field(source, builder, name, data[name], value_node, yaml_start)
    return body_start


def _find_fences(text: str) -> tuple[int, int, int] | None:
    """(YAML start, YAML end, body start) offsets, or None when the post has no front matter."""
    first_end = text.find("\n")
    if first_end == -1 or text[:first_end].rstrip(" \t") != OPENING_FENCE:
        return None
    line_start = first_end + 1
    while line_start <= len(text):
        line_end = text.find("\n", line_start)
        line_end = len(text) if line_end == -1 else line_end
        if text[line_start:line_end].rstrip(" \t") in CLOSING_FENCES:
            return first_end + 1, line_start, min(line_end + 1, len(text))
        line_start = line_end + 1
    return None  # no closing fence: the `---` is a thematic break, not front matter


def _load(yaml_text: str, path: str, first_line: int) -> dict[str, Any]:
    """The front matter as a dict; any YAML problem is an InputError with its file line."""
    try:
        data = yaml.safe_load(yaml_text)
    except yaml.YAMLError as exc:
        raise InputError(path, f"malformed front matter: {_problem(exc)}",
                         line=_error_line(exc, yaml_text, first_line), hint=HINT) from None
    if data is None:  # `---` followed directly by `---`: no fields
        return {}
    if not isinstance(data, dict):
        raise InputError(path, "front matter is not a mapping of fields", line=1,
                         hint="write one 'field: value' per line between the --- lines")
    return data


def _problem(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None) or getattr(exc, "reason", None)
    text = str(problem or str(exc).splitlines()[0])
    if "could not determine a constructor" in text:  # safe_load met a !!python/... tag
        return "YAML tag not allowed:" + text.split("for the tag", 1)[-1].rstrip()
    for end in ("'<stream end>'", "unexpected end of stream"):
        text = text.replace(end, "the end of the front matter")
    context = getattr(exc, "context", None)  # "while parsing a flow sequence", ...
    return f"{context}, {text}" if context else text


def _error_line(exc: yaml.YAMLError, yaml_text: str, first_line: int) -> int:
    mark = getattr(exc, "problem_mark", None)
    context = getattr(exc, "context_mark", None)
    if mark is not None and context is not None and mark.index >= len(yaml_text.rstrip()):
        mark = context  # an unclosed bracket or quote: point at where it was opened
    if mark is not None:
        return mark.line + first_line
    position = getattr(exc, "position", None)  # a ReaderError (bad character) has no mark
    if isinstance(position, int):
        return yaml_text.count("\n", 0, position) + first_line
    return first_line


def _top_level_nodes(yaml_text: str) -> dict[str, tuple[Node, Node]]:
    """Top-level key -> (key node, value node); a repeated key keeps its last node, as safe_load does."""
    root = yaml.compose(yaml_text, Loader=yaml.SafeLoader)
    if not isinstance(root, MappingNode):
        return {}
    return {str(key.value): (key, value) for key, value in root.value if isinstance(key, ScalarNode)}


def _emit_field(source: Source, builder: DocumentBuilder, name: str, value: str,
                node: Node, yaml_start: int) -> None:
    """One front_matter block holding `value`, mapped to where the scalar stands in the file."""
    start = yaml_start + node.start_mark.index
    end = yaml_start + node.end_mark.index
    builder.open_block(start)
    copy_aligned(builder, value, source.text, start, max(end, start))
    builder.close_block("front_matter", field=name)


def copy_aligned(builder: DocumentBuilder, text: str, source_text: str, cursor: int,
                 limit: int) -> int:
    """Append `text`, mapped into `source_text[cursor:limit]`; return the cursor after it.

    The whole text is looked for first. Failing that (escapes, folded lines), each word found
    is still verbatim; the rest is synthetic at the cursor."""
    at = source_text.find(text, cursor, limit)
    if at >= 0:
        builder.verbatim(text, at)
        return at + len(text)
    for piece in _PIECES.findall(text):
        if piece.isspace():
            if source_text.startswith(piece, cursor):
                builder.verbatim(piece, cursor)
                cursor += len(piece)
            else:
                builder.synthetic(piece, cursor)
            continue
        at = source_text.find(piece, cursor, limit)
        if at >= 0:
            builder.verbatim(piece, at)
            cursor = at + len(piece)
        else:
            builder.synthetic(piece, cursor)
    return cursor
