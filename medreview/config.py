"""Project configuration: find it, load it (YAML or `[tool.medreview]`), follow `extends`,
validate it strictly, and apply it to a RuleSet (options, disable, levels) and to findings
(severity per path). Every problem is a ConfigError naming the file and line.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from fnmatch import fnmatchcase
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

import yaml

from medreview import regex, yamlfile
from medreview.checks import RULE_TYPES
from medreview.errors import ConfigError
from medreview.model import SEVERITIES, SEVERITY_RANK, FileResult, Finding
from medreview.paths import builtin_rules_dir
from medreview.ruleset import RuleSet, available_packs
from medreview.source import FORMATS

if TYPE_CHECKING:
    from medreview.api import ReviewOptions

CONFIG_NAMES = (".medreview.yaml", ".medreview.yml")
PYPROJECT = "pyproject.toml"
PRESETS_DIR = "presets"
FAIL_ON = (*SEVERITIES, "never")
KEYS = ("extends", "packs", "rules", "disable", "enable", "severity", "options", "fail_on",
        "exclude", "input_format", "overrides")
OVERRIDE_KEYS = ("files", "disable", "severity", "options")
PRESET_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
HASH_NAME = "medreview-config.json"
BY_RANK = {rank: severity for severity, rank in SEVERITY_RANK.items()}

Where = tuple[str, int]  # (file as shown to the user, 1-based line)
Origins = dict[tuple[str, ...], Where]


@dataclass(frozen=True)
class Override:
    """Settings for posts whose path matches one of `files`."""

    files: tuple[str, ...]
    disable: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    origins: Origins = field(default_factory=dict, compare=False)

    def matches(self, path: str) -> bool:
        return any(glob_match(pattern, path) for pattern in self.files)

    def data(self) -> dict[str, Any]:
        return {"files": list(self.files), "disable": list(self.disable),
                "severity": dict(self.severity), "options": self.options}


@dataclass(frozen=True)
class Config:
    """The effective configuration. `root` anchors `files`/`exclude` globs; `files` lists every
    config file read, the one found or named last. Unset scalars are None."""

    root: Path
    files: tuple[str, ...] = ()
    packs: tuple[str, ...] | None = None
    rules: tuple[Path, ...] = ()
    switches: dict[str, bool] = field(default_factory=dict)  # rule id or glob -> enabled
    severity: dict[str, str] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail_on: str | None = None
    exclude: tuple[str, ...] = ()
    input_format: str | None = None
    overrides: tuple[Override, ...] = ()
    origins: Origins = field(default_factory=dict, compare=False)

    def relative(self, path: str | Path) -> str:
        """A post's path relative to `root` (POSIX), which is what config globs match."""
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, RuntimeError):  # outside the root, or a symlink loop (Python < 3.13)
            return Path(path).as_posix()

    def excluded(self, path: str | Path) -> bool:
        return any(glob_match(pattern, self.relative(path)) for pattern in self.exclude)

    def overrides_for(self, path: str | Path) -> tuple[Override, ...]:
        relative = self.relative(path)
        return tuple(o for o in self.overrides if o.matches(relative))

    def enabled(self, rule_id: str, overrides: Iterable[Override] = ()) -> bool:
        """Whether the switches, then `overrides`' disable lists, leave a rule on (for rules the
        engine does not run, such as the waiver rules; the engine's rules are filtered earlier)."""
        enabled = True
        for pattern, state in self.switches.items():
            enabled = state if matching(pattern, [rule_id]) else enabled
        return enabled and not any(matching(p, [rule_id]) for o in overrides for p in o.disable)

    def level(self, rule_id: str) -> str | None:
        """The level `severity` gives a rule, or None."""
        return severity_for(rule_id, self.severity)

    def rule_settings(self) -> dict[str, Any]:
        """What changes findings (hashed into the ruleset): switches, levels, options, overrides."""
        return {"switches": self.switches, "severity": self.severity, "options": self.options,
                "overrides": [o.data() for o in self.overrides]}

    def data(self) -> dict[str, Any]:
        """The effective configuration as plain data (for `medreview config show`)."""
        return {"packs": list(self.packs if self.packs is not None else ("us",)),
                "rules": [p.as_posix() for p in self.rules],
                "disable": [k for k, on in self.switches.items() if not on],
                "enable": [k for k, on in self.switches.items() if on],
                "severity": dict(self.severity), "options": self.options,
                "fail_on": self.fail_on or "error", "exclude": list(self.exclude),
                "input_format": self.input_format,
                "overrides": [o.data() for o in self.overrides]}


# -- finding and reading config files ----------------------------------------------------------

def find_config(start: Path | None = None, explicit: Path | None = None,
                ignore: bool = False) -> Config:
    """The explicit file, else one discovered from `start` (unless `ignore`), else defaults."""
    if explicit is not None and ignore:
        raise ConfigError(None, "--config and --no-config cannot be used together")
    if explicit is not None:
        return load_config(explicit)
    found = None if ignore else discover(start or Path.cwd())
    return load_config(found) if found else Config(root=Path.cwd())


def discover(start: Path) -> Path | None:
    """Walk up from `start` to the filesystem root or a directory holding `.git`; return the
    first `.medreview.yaml`/`.yml`, or `pyproject.toml` with a `[tool.medreview]` table."""
    try:
        directory = start.resolve()
    except RuntimeError:  # a symlink loop (Python < 3.13): look from where the link stands
        directory = Path(os.path.abspath(start))
    if not directory.is_dir():
        directory = directory.parent
    for folder in (directory, *directory.parents):
        for name in CONFIG_NAMES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
        if (folder / ".git").exists():
            return None
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if "tool.medreview" not in text:  # most pyproject files: no need to parse
        return False
    return "medreview" in _read_toml(path, text)[0].get("tool", {})


def load_config(path: Path) -> Config:
    """Load one config file and everything it extends; root its globs at the file's folder."""
    config = _load_chain(path, ())
    return replace(config, root=path.resolve().parent)


def _load_chain(path: Path, chain: tuple[Path, ...]) -> Config:
    resolved = path.resolve()
    if resolved in chain:
        raise ConfigError(display(path), "'extends' loops back to this file",
                          hint=" -> ".join(display(p) for p in (*chain, resolved)))
    data, lines = _read(path)
    where = display(path)
    fail = _failer(where, lines)
    if not isinstance(data, dict):
        raise fail("a config file must be a mapping of settings")
    for key in data:
        if key not in KEYS:
            raise fail(f"unknown key '{key}'", str(key), hint="allowed: " + ", ".join(KEYS))
    layer = _parse_layer(data, lines, path)
    if "extends" not in data:
        return layer
    base = _load_chain(_extends_target(data["extends"], path, fail), (*chain, resolved))
    return merge(base, layer)


def _read(path: Path) -> tuple[Any, yamlfile.Lines]:
    name = display(path)
    if not path.is_file():
        raise ConfigError(name, "config file not found")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(name, f"cannot be read: {exc}") from None
    if path.suffix != ".toml":
        data, lines = yamlfile.loads(text, name, ConfigError)
        return ({} if data is None else data), lines
    data, lines = _read_toml(path, text)
    if path.name == PYPROJECT:
        data = data.get("tool", {}).get("medreview", {})
        lines = {key[2:]: line for key, line in lines.items() if key[:2] == ("tool", "medreview")}
    return data, lines


def _read_toml(path: Path, text: str) -> tuple[dict[str, Any], yamlfile.Lines]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+)", str(exc))
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(display(path), f"invalid TOML: {problem}",
                          line=int(found.group(1)) if found else None) from None
    return data, toml_lines(text)


TOML_TABLE = re.compile(r"\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
TOML_KEY = re.compile(r"""\s*((?:[\w-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[\w-]+|"[^"]*"|'[^']*'))*)\s*=""")
TOML_PART = re.compile(r"""[\w-]+|"[^"]*"|'[^']*'""")


def toml_lines(text: str) -> yamlfile.Lines:
    """{key path: line} found by scanning the text: tomllib does not report positions. Keys
    inside inline tables or multi-line values get the line of the key that holds them."""
    lines: yamlfile.Lines = {(): 1}
    arrays: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = TOML_TABLE.match(line)
        if header:
            table = _table_path(_key_parts(header.group(2)), arrays, header.group(1) == "[[")
            lines.setdefault(table, number)
            continue
        key = TOML_KEY.match(line)
        if key:
            lines.setdefault((*table, *_key_parts(key.group(1))), number)
    return lines


def _key_parts(key: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in TOML_PART.findall(key))


def _table_path(parts: tuple[str, ...], arrays: dict[tuple[str, ...], int],
                is_array: bool) -> tuple[str, ...]:
    """A header's key path with array-of-tables indexes filled in ("overrides", "1", ...)."""
    path: tuple[str, ...] = ()
    for index, part in enumerate(parts):
        path = (*path, part)
        last = index == len(parts) - 1
        if is_array and last:
            arrays[path] = arrays.get(path, 0) + 1
        if path in arrays:
            path = (*path, str(arrays[path] - 1))
    return path


def _extends_target(value: Any, path: Path, fail: Callable[..., ConfigError]) -> Path:
    """A preset name (rules/presets/<name>.yaml) or a path relative to the extending file."""
    if not isinstance(value, str) or not value.strip():
        raise fail("'extends' must be a preset name or a path to a config file", "extends")
    if PRESET_NAME.fullmatch(value):
        preset = builtin_rules_dir() / PRESETS_DIR / f"{value}.yaml"
        if not preset.is_file():
            raise fail(f"unknown preset '{value}'", "extends",
                       hint="presets: " + ", ".join(available_presets()))
        return preset
    target = path.parent / value
    if not target.is_file():
        raise fail(f"'extends' names a file that does not exist: {value}", "extends")
    return target


def display(path: Path) -> str:
    """A config file's name for messages: `preset:NAME` for a built-in preset, else relative
    to the working directory when inside it."""
    if path.resolve().parent == (builtin_rules_dir() / PRESETS_DIR).resolve():
        return f"preset:{path.stem}"
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def available_presets() -> list[str]:
    return sorted(p.stem for p in (builtin_rules_dir() / PRESETS_DIR).glob("*.yaml"))


# -- validating one file's settings -----------------------------------------------------------

def _failer(where: str, lines: yamlfile.Lines) -> Callable[..., ConfigError]:
    def fail(problem: str, *key: str, hint: str | None = None) -> ConfigError:
        return ConfigError(where, problem, line=yamlfile.line_of(lines, *key) or 1, hint=hint)
    return fail


def _parse_layer(data: dict[str, Any], lines: yamlfile.Lines, path: Path) -> Config:
    """One file's settings, type-checked; rule ids and options are checked against the rules
    later (`apply_config`), using `origins` to point back here."""
    where = display(path)
    fail = _failer(where, lines)
    origins: Origins = {}
    packs = _strings(data, "packs", fail) if "packs" in data else None
    for index, pack in enumerate(packs or ()):
        if pack not in available_packs():
            raise fail(f"unknown rule pack '{pack}'", "packs", str(index),
                       hint="available: " + ", ".join(available_packs()))
    rules = []
    for index, item in enumerate(_strings(data, "rules", fail)):
        target = path.parent / item
        if not target.exists():
            raise fail(f"no such rule file or directory: {item}", "rules", str(index))
        rules.append(target)
    switches = _switches(data, lines, where, origins, fail)
    severity = _severity(data.get("severity"), ("severity",), lines, where, origins, fail)
    options = _options(data.get("options"), ("options",), lines, where, origins, fail)
    return Config(
        root=path.resolve().parent, files=(where,), packs=packs, rules=tuple(rules),
        switches=switches, severity=severity, options=options,
        fail_on=_choice(data, "fail_on", FAIL_ON, fail),
        exclude=_strings(data, "exclude", fail),
        input_format=_choice(data, "input_format", FORMATS, fail),
        overrides=_overrides(data.get("overrides"), lines, where, fail), origins=origins)


def _strings(data: dict[str, Any], key: str, fail: Callable[..., ConfigError],
             prefix: tuple[str, ...] = ()) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail(f"'{key}' must be a list of strings", *prefix, key)
    return tuple(v.strip() for v in value)


def _choice(data: dict[str, Any], key: str, choices: tuple[str, ...],
            fail: Callable[..., ConfigError]) -> str | None:
    value = data.get(key)
    if value is not None and value not in choices:
        raise fail(f"'{key}' must be one of {', '.join(choices)}, not {value!r}", key)
    return value


def _switches(data: dict[str, Any], lines: yamlfile.Lines, where: str, origins: Origins,
              fail: Callable[..., ConfigError], prefix: tuple[str, ...] = ()) -> dict[str, bool]:
    """disable then enable, in that order, as {rule id or glob: enabled}."""
    switches: dict[str, bool] = {}
    for key, state in (("disable", False), ("enable", True)):
        for index, rule in enumerate(_strings(data, key, fail, prefix)):
            switches.pop(rule, None)
            switches[rule] = state
            origins[(key, rule)] = (where, yamlfile.line_of(lines, *prefix, key, str(index)) or 1)
    return switches


def _severity(raw: Any, key: tuple[str, ...], lines: yamlfile.Lines, where: str,
              origins: Origins, fail: Callable[..., ConfigError]) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise fail("'severity' must be a mapping of rule id to error, warning or info", *key)
    for rule, level in raw.items():
        if level not in SEVERITIES:
            raise fail(f"severity of '{rule}' must be one of {', '.join(SEVERITIES)}, "
                       f"not {level!r}", *key, str(rule))
        origins[("severity", str(rule))] = (where, yamlfile.line_of(lines, *key, str(rule)) or 1)
    return {str(rule): level for rule, level in raw.items()}


def _options(raw: Any, key: tuple[str, ...], lines: yamlfile.Lines, where: str,
             origins: Origins, fail: Callable[..., ConfigError]) -> dict[str, dict[str, Any]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise fail("'options' must map rule ids to mappings of option: value", *key)
    for rule, values in raw.items():
        origins[("options", str(rule))] = (where, yamlfile.line_of(lines, *key, str(rule)) or 1)
        for name in values:
            origins[("options", str(rule), str(name))] = (
                where, yamlfile.line_of(lines, *key, str(rule), str(name)) or 1)
    return {str(rule): {str(k): v for k, v in values.items()} for rule, values in raw.items()}


def _overrides(raw: Any, lines: yamlfile.Lines, where: str,
               fail: Callable[..., ConfigError]) -> tuple[Override, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise fail("'overrides' must be a list of mappings with 'files'", "overrides")
    overrides = []
    for index, item in enumerate(raw):
        at = ("overrides", str(index))
        for key in item:
            if key not in OVERRIDE_KEYS:
                raise fail(f"unknown key '{key}' in overrides", *at, str(key),
                           hint="allowed: " + ", ".join(OVERRIDE_KEYS))
        files = _strings(item, "files", fail, at)
        if not files:
            raise fail("each override needs 'files': a list of globs", *at)
        origins: Origins = {("files",): (where, yamlfile.line_of(lines, *at, "files") or 1)}
        switches = _switches(item, lines, where, origins, fail, at)
        overrides.append(Override(
            files=files, disable=tuple(switches), origins=origins,
            severity=_severity(item.get("severity"), (*at, "severity"), lines, where, origins, fail),
            options=_options(item.get("options"), (*at, "options"), lines, where, origins, fail)))
    return tuple(overrides)


def merge(base: Config, child: Config) -> Config:
    """`child` over `base`: scalars and per-rule settings replace, lists add up."""
    options = {rule: dict(values) for rule, values in base.options.items()}
    for rule, values in child.options.items():
        options[rule] = {**options.get(rule, {}), **values}
    return Config(
        root=child.root, files=base.files + child.files,
        packs=child.packs if child.packs is not None else base.packs,
        rules=base.rules + child.rules, switches=_later_wins(base.switches, child.switches),
        severity=_later_wins(base.severity, child.severity), options=options,
        fail_on=child.fail_on or base.fail_on, exclude=base.exclude + child.exclude,
        input_format=child.input_format or base.input_format,
        overrides=base.overrides + child.overrides, origins={**base.origins, **child.origins})


def _later_wins(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """Merge keeping order of precedence: a key set again moves to the end."""
    merged = {k: v for k, v in base.items() if k not in child}
    merged.update(child)
    return merged


# -- applying it ------------------------------------------------------------------------------

def glob_match(pattern: str, path: str) -> bool:
    """Gitignore-style: `*` stays within a folder, `**` crosses folders; a pattern with a `/`
    is anchored at the config's folder, one without matches a name at any depth; a pattern
    that matches a folder matches everything in it."""
    pattern = pattern.rstrip("/")
    return regex.search(_glob_regex(pattern, anchored="/" in pattern), path, ignore_case=False)


def _glob_regex(pattern: str, anchored: bool) -> str:
    out, index = ["^" if anchored else "^(?:.*/)?"], 0
    pattern = pattern.lstrip("/")
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        else:
            char = pattern[index]
            out.append("[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char))
            index += 1
    return "".join(out) + "(?:/.*)?$"


def matching(pattern: str, ids: Iterable[str]) -> list[str]:
    """Rule ids a config entry names: the id itself, or every id a glob (`authorship.*`) fits."""
    return [i for i in ids if fnmatchcase(i, pattern)] if "*" in pattern else \
        [i for i in ids if i == pattern]


def apply_config(ruleset: RuleSet, config: Config, extra_ids: Iterable[str] = ()) -> RuleSet:
    """A copy of `ruleset` with the config's switches, levels and options; the config's rule
    settings are hashed with the rules. `extra_ids` are valid ids outside the ruleset (waiver
    meta rules). Raises ConfigError at the file and line of an unknown id or bad option."""
    validate(ruleset, config, extra_ids)
    rules = []
    for rule in ruleset.rules:
        enabled = rule.enabled
        for pattern, state in config.switches.items():
            enabled = state if matching(pattern, [rule.id]) else enabled
        level = config.level(rule.id) or rule.info.level
        options = {**rule.options, **config.options.get(rule.id, {})}
        rules.append(replace(rule, enabled=enabled, options=options,
                             info=replace(rule.info, level=level)))
    files = list(ruleset.files)
    settings = config.rule_settings()
    if any(settings.values()):
        files.append((HASH_NAME, json.dumps(settings, sort_keys=True, default=str).encode()))
    return replace(ruleset, rules=rules, files=files)


def ruleset_for_path(ruleset: RuleSet, config: Config, path: str | Path) -> RuleSet:
    """The ruleset for one post: `ruleset` (already configured) plus the disable and options
    of every override whose `files` match the post; its hash says which overrides applied."""
    overrides = [o for o in config.overrides_for(path) if o.disable or o.options]
    if not overrides:
        return ruleset
    rules = []
    for rule in ruleset.rules:
        enabled, options = rule.enabled, dict(rule.options)
        for override in overrides:
            enabled = enabled and not any(matching(p, [rule.id]) for p in override.disable)
            options.update(override.options.get(rule.id, {}))
        rules.append(replace(rule, enabled=enabled, options=options))
    applied = json.dumps([o.data() for o in overrides], sort_keys=True, default=str).encode()
    return replace(ruleset, rules=rules, files=[*ruleset.files, (f"{HASH_NAME}:path", applied)])


def severity_for(rule_id: str, severity: dict[str, str]) -> str | None:
    """The level the last matching entry sets, or None."""
    level = None
    for pattern, value in severity.items():
        if matching(pattern, [rule_id]):
            level = value
    return level


def validate(ruleset: RuleSet, config: Config, extra_ids: Iterable[str] = ()) -> None:
    """Every rule id (or glob) names a rule; every option exists for its rule's type."""
    ids = sorted({r.id for r in ruleset.rules} | set(extra_ids))
    sections = [(config.origins, config.switches, config.severity, config.options)]
    sections += [(o.origins, dict.fromkeys(o.disable, False), o.severity, o.options)
                 for o in config.overrides]
    for origins, switches, severity, options in sections:
        for pattern, state in switches.items():
            _known(pattern, ids, origins[("enable" if state else "disable", pattern)])
        for pattern in severity:
            _known(pattern, ids, origins[("severity", pattern)])
        for rule_id, values in options.items():
            _check_options(ruleset, rule_id, values, ids, origins)


def _known(pattern: str, ids: list[str], where: Where) -> None:
    if matching(pattern, ids):
        return
    close = difflib.get_close_matches(pattern, ids, n=3, cutoff=0.85)
    hint = "did you mean " + " or ".join(close) + "?" if close else "see 'medreview rules list'"
    what = "rule glob" if "*" in pattern else "rule id"
    raise ConfigError(where[0], f"unknown {what} '{pattern}'", line=where[1], hint=hint)


def _check_options(ruleset: RuleSet, rule_id: str, values: dict[str, Any], ids: list[str],
                   origins: Origins) -> None:
    where = origins[("options", rule_id)]
    _known(rule_id, ids, where)
    if "*" in rule_id:
        raise ConfigError(where[0], f"options need an exact rule id, not the glob '{rule_id}'",
                          line=where[1])
    try:
        rule = ruleset.get(rule_id)
    except KeyError:
        raise ConfigError(where[0], f"rule '{rule_id}' has no options", line=where[1]) from None
    spec = RULE_TYPES[rule.info.type].OPTIONS
    for name, value in values.items():
        at = origins.get(("options", rule_id, name), where)
        if name not in spec:
            raise ConfigError(at[0], f"unknown option '{name}' for rule '{rule_id}' "
                              f"(type {rule.info.type})", line=at[1],
                              hint="allowed: " + ", ".join(sorted(spec)))
        option = spec[name]
        if not isinstance(value, option.types) or isinstance(value, bool) and bool not in option.types:
            expected = " or ".join(t.__name__ for t in option.types)
            raise ConfigError(at[0], f"option '{name}' of '{rule_id}' must be a {expected}",
                              line=at[1])
        if option.choices and value not in option.choices:
            raise ConfigError(at[0], f"option '{name}' of '{rule_id}' must be one of "
                              f"{', '.join(option.choices)}", line=at[1])


# -- the decide stage -------------------------------------------------------------------------

def severity_step(config: Config, levels: dict[str, str]) -> Callable[[FileResult], None]:
    """A decide step: per-path severity from `overrides`, and the config's switches and levels
    for rules outside the ruleset (waiver meta rules). `levels` is each rule's configured
    level; a finding the rule type lowered (a hedged claim) or raised keeps that distance."""
    def step(result: FileResult) -> None:
        overrides = config.overrides_for(result.path)
        result.findings = [_adjust(f, config, overrides, levels) for f in result.findings
                           if config.enabled(f.rule, overrides)]
        result.suppressed = [_adjust(f, config, overrides, levels) for f in result.suppressed]
    return step


def _adjust(finding: Finding, config: Config, overrides: tuple[Override, ...],
            levels: dict[str, str]) -> Finding:
    target = config.level(finding.rule)
    for override in overrides:
        target = severity_for(finding.rule, override.severity) or target
    base = levels.get(finding.rule)
    if target is None or base is None:
        return finding
    # keep the rule type's own adjustment: a hedged claim one step below its rule stays one
    # step below the new level, an escalated one stays above it
    rank = SEVERITY_RANK[target] - (SEVERITY_RANK[base] - SEVERITY_RANK[finding.severity])
    severity = BY_RANK[max(1, min(3, rank))]
    return finding if severity == finding.severity else replace(finding, severity=severity)


def review_options(config: Config, packs: tuple[str, ...] = (), extra_rules: tuple[Path, ...] = (),
                   input_format: str | None = None, exclude: tuple[str, ...] = (),
                   fail_on: str | None = None, **other: Any) -> ReviewOptions:
    """ReviewOptions from the command line over the config over the defaults; `other` passes
    through. The config's own `exclude` globs stay with it (they are relative to its folder)."""
    from medreview.api import ReviewOptions

    return ReviewOptions(
        packs=packs or (config.packs if config.packs is not None else ("us",)),
        extra_rules=(*config.rules, *extra_rules),
        input_format=input_format or config.input_format, exclude=exclude,
        fail_on=fail_on or config.fail_on or "error", config=config, **other)


def render_config(config: Config, ruleset_sha256: str) -> str:
    """The effective configuration as YAML, for `medreview config show`."""
    sources = ", ".join(config.files) or "none (defaults)"
    header = f"# config files (base first): {sources}\n# ruleset sha256: {ruleset_sha256}\n"
    return header + yaml.safe_dump(config.data(), sort_keys=False, allow_unicode=True)
