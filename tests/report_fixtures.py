"""Sample Report objects shared by reporter tests: several posts, hostile text, an empty run."""

from __future__ import annotations

from dataclasses import replace

from medreview.model import FileResult, Finding, Report, RuleInfo, SourceRef, Waiver

FTC = SourceRef(
    "FTC Health Products Compliance Guidance",
    "https://www.ftc.gov/business-guidance/resources/health-products-compliance-guidance")
FDA_FRAUD = SourceRef("FDA Health Fraud Scams", "https://www.fda.gov/consumers/health-fraud-scams")
SAFE_MESSAGING = SourceRef("Recommendations for Reporting on Suicide",
                           "https://reportingonsuicide.org/")
CMS = SourceRef("CMS Toolkit Part 7")  # a source without a URL

HOSTILE_PATH = "posts/café: notes, 100%.md"
NON_ASCII = "café — “quoted” naïve"
HOSTILE_MESSAGE = ("“Cures 100%” claim: see lines 3, 4\n<script>alert(1)</script> | =cmd "
                   "`code` @everyone [link](https://evil.example)")
FORMULA_EXCERPT = "=cmd|' /C calc'!A0"
READ_ERROR = "cannot decode as UTF-8: invalid start byte 0xff at offset 12"


def sample_rules() -> dict[str, RuleInfo]:
    """Five rules across families and levels, keyed by id (deliberately not in sorted order)."""
    rules = [
        RuleInfo("overclaim.cure", "MR101", "phrase", "error", "'{match}' claims a cure.",
                 "Calling a treatment a cure is a disease claim that needs strong evidence.",
                 "Describe what studies showed, e.g. 'reduced symptoms in some patients'.",
                 (FTC, FDA_FRAUD), "overclaim", "us"),
        RuleInfo("claims.testimonial", "MR120", "phrase", "warning",
                 "Testimonial {quote} may imply typical results.",
                 "Endorsements must reflect what consumers generally achieve.",
                 "Disclose the generally expected results.", (FTC,), "claims", "us"),
        RuleInfo("readability.grade", "MR300", "readability", "info",
                 "Reading grade {grade} is above the target of {target}.",
                 "Grade formulas are rough; treat as a hint.", "Use shorter sentences.",
                 (CMS,), "readability", "common"),
        RuleInfo("crisis.resource-missing", "MR200", "absence", "error",
                 "Post discusses suicide without a crisis resource.",
                 "Safe-messaging guidance asks for a crisis line on every such post.",
                 "Add: call or text 988 (US).", (SAFE_MESSAGING,), "crisis", "crisis"),
        RuleInfo("language.jargon-undefined", "MR410", "phrase", "warning", "{term}", "", "",
                 (), "language", ""),
    ]
    return {rule.id: rule for rule in rules}


def make_finding(rule: str, severity: str, message: str, line: int, column: int,
                 end_column: int, **fields: object) -> Finding:
    """A one-line finding; keyword fields override anything else."""
    info = sample_rules().get(rule)
    base = Finding(rule=rule, code=info.code if info else "", severity=severity, message=message,
                   start=0, end=end_column - column, line=line, column=column, end_line=line,
                   end_column=end_column, excerpt="x" * (end_column - column),
                   suggestion=info.suggestion if info else "",
                   sources=info.sources if info else ())
    return replace(base, **fields)


def mixed_post() -> FileResult:
    """A post with an error, a multi-line warning and an info finding."""
    findings = [
        make_finding("overclaim.cure", "error", "'cures' claims a cure.", 3, 12, 17,
                     excerpt="cures", sentence="Ketamine cures bipolar depression.",
                     fingerprint="fp-overclaim-cure-1"),
        make_finding("claims.testimonial", "warning", "Testimonial may imply typical results.",
                     7, 1, 21, end_line=8, excerpt="“I felt better\nin an hour”",
                     fingerprint="fp-testimonial-1"),
        make_finding("readability.grade", "info", "Reading grade 14 is above the target of 8.",
                     1, 1, 2, excerpt="#", fingerprint=""),
    ]
    return FileResult("posts/ketamine-cure.md", "markdown", "a" * 64, findings,
                      metrics={"words": 812})


def clean_post() -> FileResult:
    """A post whose only finding was waived in the source."""
    waived = make_finding("overclaim.cure", "error", "'cure' claims a cure.", 5, 30, 34,
                          excerpt="cure", fingerprint="fp-waived",
                          waived_by="quoting an FDA warning letter")
    waiver = Waiver(("overclaim.cure",), "quoting an FDA warning letter", 4, "next-line", True)
    return FileResult("posts/sleep-hygiene.md", "markdown", "b" * 64, [], waivers=[waiver],
                      suppressed=[waived])


def hostile_post() -> FileResult:
    """Non-ASCII text and every character some format must escape, in path, message and excerpt."""
    findings = [
        make_finding("overclaim.cure", "error", HOSTILE_MESSAGE, 2, 5, 26, excerpt=NON_ASCII,
                     sentence=f"The {NON_ASCII} remedy.", fingerprint="dup-fp",
                     suggestion="+ add a citation, e.g. \"Smith, 2021\""),
        make_finding("overclaim.cure", "error", "Second claim with the same fingerprint.", 9, 1,
                     6, excerpt=FORMULA_EXCERPT, fingerprint="dup-fp"),
        make_finding("crisis.resource-missing", "error", "@support -1 crisis line\r\nmissing",
                     1, 1, 2, excerpt="\x0cform feed\x07bell", fingerprint=""),
        make_finding("language.jargon-undefined", "warning", "anhedonia", 12, 40, 49,
                     excerpt="anhedonia", suggestion="", sources=(), fingerprint="fp-jargon"),
    ]
    return FileResult(HOSTILE_PATH, "markdown", "c" * 64, findings)


def empty_post() -> FileResult:
    """A plain-text post with nothing to report."""
    return FileResult("posts/empty.txt", "text", "d" * 64, [])


def unreadable_post() -> FileResult:
    """A post that could not be read."""
    return FileResult("posts/broken.html", "html", "", [], error=READ_ERROR)


def multi_post_report() -> Report:
    """Five posts: mixed findings, waived-only, hostile text, no findings, unreadable."""
    files = [mixed_post(), clean_post(), hostile_post(), empty_post(), unreadable_post()]
    return Report(files, sample_rules(), "0.1.0", "e" * 64, {"packs": ["common", "us"]})


def empty_report() -> Report:
    """A run that reviewed no posts."""
    return Report([], sample_rules(), "0.1.0", "e" * 64)


def bare_report() -> Report:
    """No posts and no rules, no version: the least a reporter may be given."""
    return Report([], {}, "", "")


def all_reports() -> dict[str, Report]:
    """Every sample report by name, for parametrised tests."""
    return {"multi": multi_post_report(), "empty": empty_report(), "bare": bare_report(),
            "unreadable-only": Report([unreadable_post()], sample_rules(), "0.1.0", "e" * 64)}
