"""Rule packs: YAML rule files and knowledge tables -> validated Rule objects.

A pack is a directory with `pack.yaml`, rule files (`*.yaml`, one rule each) and `knowledge/`
tables. `pack.yaml` may reuse another built-in pack's rules: `extends: us` (minus `exclude: [id,
...]`) or `include: [us/overclaim.cure, ...]`. A rule reached twice through the same file counts
once. Every problem raises RuleError naming the file and line. Nothing here imports spaCy.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medreview import regex, yamlfile
from medreview.checks import RULE_TYPES
from medreview.checks.base import Option, valid_scope
from medreview.errors import RuleError
from medreview.model import SEVERITIES, RuleInfo, SourceRef
from medreview.paths import builtin_rules_dir

REQUIRED_KEYS = ("id", "code", "type", "level", "message", "description", "suggestion",
                 "sources", "examples")
OPTIONAL_KEYS = ("scope", "options", "applies_to", "enabled", "tags")
APPLIES_TO_KEYS = ("product", "publisher", "audience")
SPECIAL_FILES = ("pack.yaml",)
PACK_KEYS = ("name", "description", "extends", "exclude", "include")
KNOWLEDGE_DIR = "knowledge"
COMMON_PACK = "common"


@dataclass(frozen=True)
class Rule:
    info: RuleInfo
    scope: tuple[str, ...]
    options: dict[str, Any]
    examples: dict[str, list[Any]]
    applies_to: dict[str, tuple[str, ...]]
    path: str
    line: int = 1
    enabled: bool = True
    tags: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        return self.info.id

    def applies(self, front_matter: dict[str, Any]) -> bool:
        """Gate by front matter: a rule limited to some products applies only to those."""
        for key, allowed in self.applies_to.items():
            value = str(front_matter.get(key, "")).strip().lower()
            if not value and "unknown" in allowed:
                continue
            if value not in allowed and "any" not in allowed:
                return False
        return True


@dataclass
class RuleSet:
    rules: list[Rule]
    tables: dict[str, Any]
    files: list[tuple[str, bytes]] = field(default_factory=list)  # (name, bytes) hashed
    packs: tuple[str, ...] = ()

    @property
    def sha256(self) -> str:
        digest = hashlib.sha256()
        for name, data in sorted(self.files):
            digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
        return digest.hexdigest()

    def get(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def available_packs(root: Path | None = None) -> list[str]:
    root = root or builtin_rules_dir()
    return sorted(p.name for p in root.iterdir() if (p / "pack.yaml").is_file())


def load_ruleset(packs: tuple[str, ...] = ("us",), extra: tuple[Path, ...] = (),
                 root: Path | None = None) -> RuleSet:
    """Load built-in packs by name plus extra rule files or directories."""
    root = root or builtin_rules_dir()
    ruleset = RuleSet(rules=[], tables={}, packs=tuple(packs))
    _load_knowledge(root / COMMON_PACK / KNOWLEDGE_DIR, ruleset, COMMON_PACK)
    known = available_packs(root)
    for pack in packs:
        if pack not in known:
            raise RuleError(None, f"unknown rule pack '{pack}'", hint=f"available: {', '.join(known)}")
        _load_dir(root / pack, ruleset, pack, display_root=root, root=root, chain=(pack,))
    for path in extra:
        if path.is_dir():
            _load_dir(path, ruleset, path.name, display_root=path.parent, root=root,
                      chain=(path.name,))
        elif path.is_file():
            ruleset.rules.append(load_rule_file(path, ruleset, pack=path.parent.name, display=str(path)))
        else:
            raise RuleError(str(path), "no such rule file or directory")
    ruleset.rules = _dedupe(ruleset.rules)
    ruleset.files = list(dict.fromkeys(ruleset.files))
    ruleset.rules.sort(key=lambda r: r.id)
    return ruleset


def _load_dir(directory: Path, ruleset: RuleSet, pack: str, display_root: Path, root: Path,
              chain: tuple[str, ...]) -> None:
    pack_file = directory / "pack.yaml"
    manifest: dict[str, Any] = {}
    if pack_file.is_file():
        manifest = _manifest(pack_file)
        ruleset.files.append((_display(pack_file, display_root), pack_file.read_bytes()))
    _load_knowledge(directory / KNOWLEDGE_DIR, ruleset, pack)
    if manifest.get("extends"):
        base = _reuse(root, manifest["extends"], ruleset, pack_file, chain, set())
        excluded = set(manifest.get("exclude") or ())
        unknown = sorted(excluded - {rule.id for rule in base})
        if unknown:
            raise RuleError(str(pack_file), f"exclude names no rule of pack '{manifest['extends']}': "
                            f"{unknown[0]}", line=1)
        ruleset.rules.extend(rule for rule in base if rule.id not in excluded)
    for reference in manifest.get("include") or ():
        name, _, rule_id = reference.partition("/")
        ruleset.rules.extend(_reuse(root, name, ruleset, pack_file, chain, {rule_id}))
    for path in sorted(directory.rglob("*.yaml")):
        if path.name in SPECIAL_FILES or KNOWLEDGE_DIR in path.relative_to(directory).parts[:-1]:
            continue
        ruleset.rules.append(load_rule_file(path, ruleset, pack, _display(path, display_root)))


def _manifest(pack_file: Path) -> dict[str, Any]:
    """pack.yaml: name, description, and what it reuses from other built-in packs."""
    data, lines = yamlfile.load(pack_file, RuleError)
    data = data or {}

    def fail(problem: str, *key: str) -> RuleError:
        return RuleError(str(pack_file), problem, line=yamlfile.line_of(lines, *key) or 1)

    if not isinstance(data, dict):
        raise fail("pack.yaml must be a mapping (name, description, extends, exclude, include)")
    for key, value in data.items():
        if key not in PACK_KEYS:
            raise fail(f"unknown key '{key}' (allowed: {', '.join(PACK_KEYS)})", str(key))
        if key == "extends" and not isinstance(value, str):
            raise fail("'extends' must name one pack", key)
        if key in ("exclude", "include") and not (
                isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise fail(f"'{key}' must be a list of rule ids", key)
    for reference in data.get("include") or ():
        if "/" not in reference:
            raise fail(f"include entry '{reference}' must be <pack>/<rule id>", "include")
    return data


def _reuse(root: Path, name: str, ruleset: RuleSet, pack_file: Path, chain: tuple[str, ...],
           only: set[str]) -> list[Rule]:
    """Rules of built-in pack `name` (only the ids in `only`, when given); its knowledge tables
    and the files of the rules taken join `ruleset`."""
    if name in chain:
        raise RuleError(str(pack_file), "packs reuse each other in a cycle: "
                        + " -> ".join((*chain, name)), line=1)
    known = available_packs(root)
    if name not in known:
        raise RuleError(str(pack_file), f"unknown rule pack '{name}'", line=1,
                        hint=f"available: {', '.join(known)}")
    part = RuleSet(rules=[], tables=ruleset.tables)
    _load_dir(root / name, part, name, display_root=root, root=root, chain=(*chain, name))
    taken = [rule for rule in part.rules if not only or rule.id in only]
    missing = sorted(only - {rule.id for rule in taken})
    if missing:
        raise RuleError(str(pack_file), f"include: pack '{name}' has no rule '{missing[0]}'", line=1)
    dropped = {rule.path for rule in part.rules} - {rule.path for rule in taken}
    ruleset.files.extend(item for item in part.files if item[0] not in dropped)
    return taken


def _display(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _load_knowledge(directory: Path, ruleset: RuleSet, pack: str) -> None:
    """Knowledge tables: one mapping per file, named by the file's stem."""
    if not directory.is_dir():
        return
    for path in sorted(directory.glob("*.yaml")):
        data, _ = yamlfile.load(path, RuleError)
        if not isinstance(data, dict):
            raise RuleError(str(path), "a knowledge table must be a mapping", line=1)
        if path.stem in ruleset.tables and ruleset.tables[path.stem] != data:
            raise RuleError(str(path), f"knowledge table '{path.stem}' is already defined, "
                            "differently, by another pack", line=1,
                            hint="give the table a name of its own")
        ruleset.tables[path.stem] = data
        ruleset.files.append((f"{pack}/{KNOWLEDGE_DIR}/{path.name}", path.read_bytes()))


def load_rule_file(path: Path, ruleset: RuleSet, pack: str, display: str) -> Rule:
    data, lines = yamlfile.load(path, RuleError)
    ruleset.files.append((display, path.read_bytes()))
    return build_rule(data, lines, display, pack)


def build_rule(data: Any, lines: yamlfile.Lines, where: str, pack: str) -> Rule:
    """Validate one rule's data; every problem names `where` and the line."""
    def fail(problem: str, *key: str, hint: str | None = None) -> RuleError:
        return RuleError(where, problem, line=yamlfile.line_of(lines, *key) or 1, hint=hint)

    if not isinstance(data, dict):
        raise fail("a rule file must be a mapping of fields (id, type, level, ...)")
    for key in data:
        if key not in REQUIRED_KEYS + OPTIONAL_KEYS:
            raise fail(f"unknown key '{key}'", str(key),
                       hint="allowed: " + ", ".join(REQUIRED_KEYS + OPTIONAL_KEYS))
    for key in REQUIRED_KEYS:
        if key not in data:
            raise fail(f"missing required key '{key}'")
    for key in ("id", "code", "type", "level", "message", "description", "suggestion"):
        if not isinstance(data[key], str) or not data[key].strip():
            raise fail(f"'{key}' must be a non-empty string", key)
    if data["level"] not in SEVERITIES:
        raise fail(f"level must be one of {', '.join(SEVERITIES)}, not '{data['level']}'", "level")
    if data["type"] not in RULE_TYPES:
        raise fail(f"unknown rule type '{data['type']}'", "type",
                   hint="known types: " + ", ".join(sorted(RULE_TYPES)))
    options = _options(data.get("options") or {}, RULE_TYPES[data["type"]].OPTIONS, fail)
    _check_regexes(data["id"], data.get("options") or {}, ("options",), fail)
    info = RuleInfo(id=data["id"], code=data["code"], type=data["type"], level=data["level"],
                    message=data["message"].strip(), description=data["description"].strip(),
                    suggestion=data["suggestion"].strip(), sources=_sources(data["sources"], fail),
                    family=data["id"].split(".")[0], pack=pack)
    return Rule(info=info, scope=_scope(data.get("scope", "text"), fail), options=options,
                examples=_examples(data["examples"], fail),
                applies_to=_applies_to(data.get("applies_to") or {}, fail), path=where,
                line=yamlfile.line_of(lines, "id") or 1, enabled=bool(data.get("enabled", True)),
                tags=tuple(str(t) for t in data.get("tags") or ()))


def _options(raw: Any, spec: dict[str, Option], fail: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise fail("'options' must be a mapping", "options")
    for name, value in raw.items():
        if name not in spec:
            raise fail(f"unknown option '{name}' for this rule type", "options", str(name),
                       hint="allowed: " + ", ".join(sorted(spec)))
        option = spec[name]
        if not isinstance(value, option.types) or isinstance(value, bool) and bool not in option.types:
            expected = " or ".join(t.__name__ for t in option.types)
            raise fail(f"option '{name}' must be a {expected}", "options", str(name))
        if option.choices and value not in option.choices:
            raise fail(f"option '{name}' must be one of {', '.join(map(str, option.choices))}",
                       "options", str(name))
    return {name: raw.get(name, option.default) for name, option in spec.items()}


def _check_regexes(rule_id: str, value: Any, key: tuple[str, ...], fail: Any) -> None:
    """Every `regex` in the options, at any depth, must compile on RE2; a bad one is named at
    its own line (the engine would only know the rule's)."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            _check_regexes(rule_id, item, (*key, str(index)), fail)
    if not isinstance(value, dict):
        return
    for name, item in value.items():
        if name != "regex":
            _check_regexes(rule_id, item, (*key, str(name)), fail)
            continue
        for index, pattern in enumerate([item] if isinstance(item, str) else item or []):
            try:
                regex.compile_regex(str(pattern))
            except regex.RegexError as exc:
                raise fail(f"rule '{rule_id}': {exc}", *key, "regex", str(index),
                           hint="RE2 has no look-behind, look-ahead or back-references; "
                                "rewrite the pattern without them") from None


def _sources(raw: Any, fail: Any) -> tuple[SourceRef, ...]:
    if not isinstance(raw, list) or not raw:
        raise fail("'sources' must be a non-empty list of {name, url}", "sources")
    refs = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise fail("each source needs a 'name' (and a 'url')", "sources", str(index))
        refs.append(SourceRef(name=item["name"].strip(), url=str(item.get("url", "")).strip()))
    return tuple(refs)


def _scope(raw: Any, fail: Any) -> tuple[str, ...]:
    items = (raw,) if isinstance(raw, str) else tuple(raw) if isinstance(raw, list) else None
    if not items or not all(isinstance(i, str) and valid_scope(i) for i in items):
        raise fail("scope must be text, body, headings, document, section:<category> or "
                   "front_matter:<field> (or a list of them)", "scope")
    return items


def _examples(raw: Any, fail: Any) -> dict[str, list[Any]]:
    if not isinstance(raw, dict) or set(raw) - {"flag", "pass"}:
        raise fail("examples must be a mapping with 'flag' and 'pass' lists", "examples")
    examples: dict[str, list[Any]] = {}
    for kind in ("flag", "pass"):
        items = raw.get(kind) or []
        if not isinstance(items, list) or not items:
            raise fail(f"examples.{kind} must be a non-empty list", "examples", kind)
        for index, item in enumerate(items):
            if not isinstance(item, (str, dict)) or isinstance(item, dict) and "text" not in item:
                raise fail("an example is a string or a mapping with 'text' (and optional "
                           "'front_matter', 'format')", "examples", kind, str(index))
        examples[kind] = items
    return examples


def _applies_to(raw: Any, fail: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise fail("applies_to must be a mapping", "applies_to")
    gates = {}
    for key, values in raw.items():
        if key not in APPLIES_TO_KEYS:
            raise fail(f"unknown applies_to key '{key}'", "applies_to", str(key),
                       hint="allowed: " + ", ".join(APPLIES_TO_KEYS))
        values = [values] if isinstance(values, str) else values
        gates[key] = tuple(str(v).lower() for v in values)
    return gates


def _dedupe(rules: list[Rule]) -> list[Rule]:
    """One rule per id: the same file reached twice (two packs reusing it) counts once; two
    different files with one id are an error."""
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen and seen[rule.id].path != rule.path:
            raise RuleError(rule.path, f"duplicate rule id '{rule.id}' (also in {seen[rule.id].path})",
                            line=rule.line)
        seen.setdefault(rule.id, rule)
    return list(seen.values())
