"""A rule's documentation, as `medreview rules show ID` prints it (after ruff's `rule` command)."""

from __future__ import annotations

import textwrap
from typing import Any

import yaml

from medreview.ruleset import Rule

WIDTH = 92


def _wrap(text: str, indent: str = "  ") -> list[str]:
    lines: list[str] = []
    for paragraph in text.strip().split("\n\n"):
        lines.extend(textwrap.wrap(" ".join(paragraph.split()), WIDTH, initial_indent=indent,
                                   subsequent_indent=indent) or [""])
        lines.append("")
    return lines[:-1]


def _example(example: Any) -> str:
    if isinstance(example, str):
        return example
    front = example.get("front_matter")
    prefix = f"[front matter: {yaml.safe_dump(front, default_flow_style=True).strip()}] " if front else ""
    return prefix + str(example["text"])


def render_rule(rule: Rule) -> str:
    info = rule.info
    lines = [f"{info.id} ({info.code})", f"level: {info.level} · type: {info.type} · pack: {info.pack}"
             f" · scope: {', '.join(rule.scope)}"]
    if rule.applies_to:
        gates = "; ".join(f"{k}: {', '.join(v)}" for k, v in rule.applies_to.items())
        lines.append(f"applies to: {gates}")
    lines += ["", "What it does and why", *_wrap(info.description), "", "Message",
              *_wrap(info.message), "", "Use instead", *_wrap(info.suggestion), "", "Sources"]
    lines += [f"  - {s.name}" + (f" <{s.url}>" if s.url else "") for s in info.sources]
    for kind, title in (("flag", "Flags"), ("pass", "Passes")):
        lines += ["", f"Examples: {title}"]
        for example in rule.examples[kind]:
            lines.extend(textwrap.wrap(_example(example), WIDTH, initial_indent="  - ",
                                       subsequent_indent="    "))
    lines += ["", f"Defined in {rule.path}:{rule.line}"]
    return "\n".join(lines)
