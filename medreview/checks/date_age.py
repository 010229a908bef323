"""date_age: the post's latest review or update date must be recent enough.

Flags "Last reviewed: June 2019" when run in 2025 (older than `max_age_days`); passes a post
reviewed last month, and a post with no date (that is review.date-missing's job). The result
depends on the reference date: option `today`, else the MEDREVIEW_TODAY environment variable
(YYYY-MM-DD), else the real date. A date given only to the month or year counts as its last day.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from dataclasses import dataclass
from typing import Any, Iterator

from medreview import regex
from medreview.checks.anchor import document_anchor, front_matter_value
from medreview.checks.base import Env, Hit, Option, in_scope
from medreview.document import Document
from medreview.model import SEVERITIES

TODAY_VARIABLE = "MEDREVIEW_TODAY"
MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9

OPTIONS = {
    "fields": Option((list,), [], "front-matter fields (dotted paths allowed) holding review, "
                     "update or publication dates; the newest counts"),
    "body_regex": Option((list,), [], "RE2 patterns whose first group captures a date in the "
                         "text ('Last reviewed: (June 2019)')"),
    "max_age_days": Option((int,), 1095, "flag the post when its newest date is older than this"),
    "escalate_after_days": Option((int,), 0, "use escalate_to once the date is older than this "
                                  "(0: never)"),
    "escalate_to": Option((str,), "", "the severity past escalate_after_days", ("",) + SEVERITIES),
    "today": Option((str,), "", "reference date YYYY-MM-DD (default: $MEDREVIEW_TODAY, else the "
                    "real date)"),
}


@dataclass
class Compiled:
    today: dt.date
    options: dict[str, Any]


def compile(options: dict[str, Any], env: Env) -> Compiled:
    for pattern in options["body_regex"]:
        regex.compile_regex(pattern)
    return Compiled(reference_date(options["today"]), options)


def reference_date(option: str) -> dt.date:
    """The date ages are measured against; a malformed setting is an error, not a guess."""
    text = option or os.environ.get(TODAY_VARIABLE, "")
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        source = "option 'today'" if option else TODAY_VARIABLE
        raise ValueError(f"{source} must be a date as YYYY-MM-DD, not {text!r}") from None


def check(compiled: Compiled, level: str, scope: tuple[str, ...], document: Document) -> Iterator[Hit]:
    options = compiled.options
    dates = _front_matter_dates(document, options["fields"]) + _body_dates(document, options,
                                                                             scope)
    if not dates:
        return
    newest, start, end = max(dates, key=lambda item: item[0])
    age = (compiled.today - newest).days
    if age <= options["max_age_days"]:
        return
    severity = None
    if options["escalate_to"] and options["escalate_after_days"] and age > options["escalate_after_days"]:
        severity = options["escalate_to"]
    yield Hit(start, end, severity, {"date": newest.isoformat(), "days": str(age),
                                     "today": compiled.today.isoformat(),
                                     "max": str(options["max_age_days"])})


def _front_matter_dates(document: Document, fields: list[str]) -> list[tuple[dt.date, int, int]]:
    start, end = document_anchor(document)
    found = []
    for name in fields:
        value = parse_date(front_matter_value(document, name))
        if value is not None:
            found.append((value, start, end))
    return found


def _body_dates(document: Document, options: dict[str, Any],
                scope: tuple[str, ...]) -> list[tuple[dt.date, int, int]]:
    """Dates the patterns capture in scope (a References section's dates are not the post's)."""
    found = []
    for index in in_scope(document, scope):
        block = document.blocks[index]
        for pattern in options["body_regex"]:
            for match in regex.compile_regex(pattern).finditer(document.block_text(block)):
                value = parse_date(match.group(1)) if match.lastindex else None
                if value is not None:
                    found.append((value, block.start + match.start(1), block.start + match.end(1)))
    return found


def parse_date(value: object) -> dt.date | None:
    """A date from YAML (date or datetime) or from text: 2025-01-02, 2 Jan 2025, January 2,
    2025, June 2019, 06/2019, 2019. Partial dates count as their last day."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, (str, int)):
        return None
    text = str(value).strip().lower().replace(",", " ").replace(".", " ")
    words = re.findall(r"[a-z]+|\d+", text)
    iso = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    try:
        if iso:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3]))
        numbers = [int(w) for w in words if w.isdigit()]
        months = [MONTHS[w] for w in words if w in MONTHS]
        years = [n for n in numbers if 1900 <= n <= 2100]
        if not years:
            return None
        year, days = years[0], [n for n in numbers if 1 <= n <= 31]
        month = months[0] if months else next((n for n in numbers if 1 <= n <= 12 and n != year), 0)
        if not month:
            return dt.date(year, 12, 31)
        last = calendar.monthrange(year, month)[1]
        return dt.date(year, month, days[0] if months and days else last)
    except ValueError:
        return None
