"""The publication gate: every post going live must carry a valid approval of its current
content under the current rules, from each required role (MLR review: medical, legal,
regulatory). Reads posts and the audit trail; reviews nothing."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from medreview.approvals import Approval, approvals
from medreview.audit import AuditLog, post_key, project_root
from medreview.errors import MedreviewError
from medreview.parsers import parse
from medreview.source import read_source

LIVE_STATUSES = ("published",)


@dataclass
class GatePost:
    """One post's standing at the gate."""

    path: str
    live: bool = False
    reasons: list[str] = field(default_factory=list)  # empty when it may go live
    approved_by: list[Approval] = field(default_factory=list)
    error: str = ""

    @property
    def passed(self) -> bool:
        return not self.error and not self.reasons


def goes_live(front_matter: dict[str, Any], path: str, all_posts: bool,
              globs: tuple[str, ...]) -> bool:
    """Front matter `status: published`, or --all, or a --require glob matching the path."""
    status = str(front_matter.get("status", "")).strip().lower()
    return all_posts or status in LIVE_STATUSES or any(fnmatch.fnmatch(path, g) for g in globs)


def role_reasons(found: list[Approval], sha256: str, ruleset_sha256: str,
                 role: str | None) -> tuple[list[str], Approval | None]:
    """Why the post lacks a valid approval from `role` (any role when None); or the approval."""
    mine = [a for a in found if role is None or a.role == role]
    prefix = f"{role}: " if role else ""
    if not mine:
        return [f"{prefix}never approved" if role is None else f"no {role} approval"], None
    valid = [a for a in mine if a.sha256 == sha256 and a.ruleset_sha256 == ruleset_sha256]
    if valid:
        return [], valid[-1]
    same_text = [a for a in mine if a.sha256 == sha256]
    if same_text:
        latest = same_text[-1]
        return [f"{prefix}rules changed since approval {latest.describe()} (ruleset "
                f"{latest.ruleset_sha256[:12]} then, {ruleset_sha256[:12]} now)"], None
    return [f"{prefix}changed after approval {mine[-1].describe()}"], None


def check_post(path: Path, display: str, log: AuditLog | None, ruleset_sha256: str,
               roles: tuple[str, ...], all_posts: bool, globs: tuple[str, ...]) -> GatePost:
    """Read one post and judge it: skipped unless it goes live, else approved or why not."""
    try:
        document = parse(read_source(path, display))
    except MedreviewError as exc:
        return GatePost(display, live=True, error=exc.render())
    key = post_key(path, project_root())
    result = GatePost(display, live=goes_live(document.front_matter, display, all_posts, globs))
    if not result.live:
        return result
    found = approvals(log, key) if log is not None else []
    for role in roles or (None,):
        reasons, approval = role_reasons(found, document.source.sha256, ruleset_sha256, role)
        result.reasons += reasons
        if approval is not None:
            result.approved_by.append(approval)
    return result


def result_line(post: GatePost) -> str:
    if post.error:
        return f"{post.path}: cannot be checked: {post.error}"
    if post.reasons:
        return f"{post.path}: blocked: " + "; ".join(post.reasons)
    approvers = ", ".join(f"{a.role} {a.reviewer} {a.recorded_at}" for a in post.approved_by)
    return f"{post.path}: approved ({approvers})"


def summary_line(posts: list[GatePost]) -> str:
    live = [p for p in posts if p.live]
    blocked = sum(1 for p in live if not p.passed)
    skipped = len(posts) - len(live)
    return (f"gate: {len(live) - blocked} of {len(live)} post{'s' if len(live) != 1 else ''} "
            f"going live approved, {blocked} blocked; {skipped} not going live")


def exit_status(posts: list[GatePost]) -> int:
    """2 when a post could not be read, 1 when one going live lacks approval, else 0."""
    if any(p.error for p in posts):
        return 2
    return 1 if any(p.live and not p.passed for p in posts) else 0


def run_gate(paths: list[Path], database: Path, ruleset_sha256: str, roles: tuple[str, ...],
             all_posts: bool = False, globs: tuple[str, ...] = ()) -> list[GatePost]:
    """Judge every post; a missing database means nothing was ever approved."""
    from medreview.api import display_path

    roles = tuple(dict.fromkeys(roles))
    log = AuditLog.open(database) if database.is_file() else None
    try:
        return [check_post(path, display_path(path), log, ruleset_sha256, roles, all_posts, globs)
                for path in paths]
    finally:
        if log is not None:
            log.connection.close()
