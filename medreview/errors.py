"""Errors that reach the user as one clear line (file, line, problem, what to do) and exit code 2."""

from __future__ import annotations


class MedreviewError(Exception):
    """Base class: a problem the user can fix. `str()` is the message shown to them."""

    def __init__(self, path: str | None, problem: str, line: int | None = None,
                 hint: str | None = None) -> None:
        self.path = path
        self.problem = problem
        self.line = line
        self.hint = hint
        super().__init__(self.render())

    def render(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        text = f"{where}{self.problem}"
        return f"{text} ({self.hint})" if self.hint else text


class InputError(MedreviewError):
    """A post that cannot be read or parsed."""


class RuleError(MedreviewError):
    """A rule file or rule pack that is malformed."""


class ConfigError(MedreviewError):
    """A configuration file or command-line setting that is invalid."""
