"""Bad input never stops a run: each unreadable post gets one exact message naming the file, the
run exits 2, and every other post in the same run is still reviewed and reported.

`BAD_INPUTS` is the error matrix that docs/errors.md lists (test_errors_doc.py-style check at the
bottom keeps the two in step).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from medreview.cli import main

ROOT = Path(__file__).resolve().parent.parent
ERRORS_DOC = ROOT / "docs" / "errors.md"
CLAIM = "Our infusion protocol cures depression."
GOOD = "good.md"
HINT_EMPTY = "(nothing to review: add content or leave the file out)"
HINT_TYPES = "(use .md, .markdown, .txt, .html or .htm, or pass --input-format)"
HINT_LINK = "(fix or remove the link)"
HINT_FRONT = "(fix the YAML between the --- lines)"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@dataclass(frozen=True)
class BadInput:
    """One row of the error matrix: how to make the bad path, and the exact message it gets."""

    case: str
    name: str  # the path given on the command line (relative to the run's directory)
    make: Callable[[Path], None]
    message: str


def write(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def symlink(target: str) -> Callable[[Path], None]:
    return lambda path: path.symlink_to(target)


def nothing(path: Path) -> None:
    """The path is left missing."""


BAD_INPUTS = [
    BadInput("empty file", "empty.md", write(b""),
             f"empty.md: file is empty {HINT_EMPTY}"),
    BadInput("whitespace only", "blank.md", write(b" \n\t\r\n  \n"),
             f"blank.md: file contains only whitespace {HINT_EMPTY}"),
    BadInput("binary file (a PNG renamed .md)", "photo.md", write(PNG),
             "photo.md: binary file (contains NUL bytes), not a text post (is it an image or a "
             "document with a text extension? save the post as UTF-8 text)"),
    BadInput("invalid UTF-8 (Latin-1 bytes)", "latin1.md", write(b"# Caf\xe9s\n\nIt cures.\n"),
             "latin1.md:1: not valid UTF-8: byte 0xe9 at offset 5 cannot be decoded "
             "(save the file as UTF-8)"),
    BadInput("invalid UTF-8 on a later line", "latin1-later.md",
             write(b"# Title\n\nFine line.\nNa\xefve claim.\n"),
             "latin1-later.md:4: not valid UTF-8: byte 0xef at offset 22 cannot be decoded "
             "(save the file as UTF-8)"),
    BadInput("truncated UTF-16 (odd byte count)", "half.md",
             write("Hi\n".encode("utf-16") + b"\x00"),
             "half.md:2: not valid UTF-16: byte 0x00 at offset 8 cannot be decoded "
             "(save the file as UTF-8)"),
    BadInput("malformed front matter", "front-matter.md",
             write(b"---\ntitle: Fine\nauthor: [unclosed\nother: x\n---\nBody.\n"),
             "front-matter.md:4: malformed front matter: while parsing a flow sequence, expected "
             f"',' or ']', but got ':' {HINT_FRONT}"),
    BadInput("front matter with an unclosed quote", "front-quote.md",
             write(b'---\ntitle: "Open\n---\nBody.\n'),
             "front-quote.md:2: malformed front matter: while scanning a quoted scalar, found "
             f"the end of the front matter {HINT_FRONT}"),
    BadInput("front matter with a Python tag", "front-tag.md",
             write(b"---\ntitle: T\nx: !!python/object/apply:os.system ['echo pwned']\n---\nBody.\n"),
             "front-tag.md:3: malformed front matter: YAML tag not allowed: "
             f"'tag:yaml.org,2002:python/object/apply:os.system' {HINT_FRONT}"),
    BadInput("front matter that is not a mapping", "front-list.md",
             write(b"---\n- one\n- two\n---\nBody.\n"),
             "front-list.md:1: front matter is not a mapping of fields "
             "(write one 'field: value' per line between the --- lines)"),
    BadInput("unknown extension named explicitly", "notes.docx", write(CLAIM.encode()),
             f"notes.docx: unknown file type '.docx' {HINT_TYPES}"),
    BadInput("no extension named explicitly", "README", write(CLAIM.encode()),
             f"README: unknown file type '(no extension)' {HINT_TYPES}"),
    BadInput("path that does not exist", "missing.md", nothing,
             "missing.md: file not found (check the path)"),
    BadInput("path that does not exist, unknown extension", "missing.pdf", nothing,
             "missing.pdf: file not found (check the path)"),
    BadInput("broken symlink", "broken.md", symlink("nowhere.md"),
             f"broken.md: broken symbolic link: its target 'nowhere.md' does not exist {HINT_LINK}"),
    BadInput("symlink loop", "loop.md", symlink("loop.md"),
             f"loop.md: symbolic link loop: the link leads back to itself {HINT_LINK}"),
]
UNREADABLE = ("locked.md: permission denied: the file cannot be read "
              "(make it readable with chmod a+r, or leave it out)")


def run_check(*args: str) -> tuple[int, dict, str]:
    """Run `medreview check ARGS --format json` in-process: exit code, JSON report, stderr."""
    result = CliRunner().invoke(main, ["check", *args, "--format", "json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.stdout), result.stderr


def by_path(report: dict) -> dict[str, dict]:
    return {entry["path"]: entry for entry in report["files"]}


def assert_good_post_reviewed(files: dict[str, dict], name: str = GOOD) -> None:
    assert files[name]["error"] is None
    assert "overclaim.cure" in {f["rule"] for f in files[name]["findings"]}


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A run directory holding one good post, so paths in messages are short and exact."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / GOOD).write_text(CLAIM + "\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("bad", BAD_INPUTS, ids=[b.case for b in BAD_INPUTS])
def test_bad_input_gets_its_message_and_the_good_post_is_still_reviewed(
        workdir: Path, bad: BadInput) -> None:
    bad.make(workdir / bad.name)
    code, report, stderr = run_check(bad.name, GOOD)
    files = by_path(report)
    assert code == 2
    assert files[bad.name]["error"] == bad.message
    assert files[bad.name]["findings"] == []
    assert_good_post_reviewed(files)
    assert f"medreview: error: {bad.message}\n" in stderr
    assert report["summary"]["unreadable"] == 1


def test_unreadable_file_gets_its_message(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = workdir / "locked.md"
    locked.write_text(CLAIM + "\n", encoding="utf-8")
    if os.geteuid() == 0:
        # root reads a mode-000 file anyway (as in CI), so the refusal is simulated.
        original = Path.read_bytes

        def refuse(path: Path) -> bytes:
            if path.name == "locked.md":
                raise PermissionError(13, "Permission denied", str(path))
            return original(path)
        monkeypatch.setattr(Path, "read_bytes", refuse)
    else:
        locked.chmod(0)
    try:
        code, report, stderr = run_check("locked.md", GOOD)
    finally:
        locked.chmod(0o644)
    files = by_path(report)
    assert code == 2
    assert files["locked.md"]["error"] == UNREADABLE
    assert_good_post_reviewed(files)
    assert f"medreview: error: {UNREADABLE}\n" in stderr


def test_text_report_on_stdout_is_not_repeated_on_stderr(workdir: Path) -> None:
    (workdir / "empty.md").write_bytes(b"")
    result = CliRunner().invoke(main, ["check", "empty.md", GOOD])
    assert result.exit_code == 2
    assert "file is empty" in result.stdout
    assert result.stderr == ""


def test_directory_with_symlink_loops_is_walked_to_the_end(workdir: Path) -> None:
    posts = workdir / "posts"
    (posts / "deep" / "deeper").mkdir(parents=True)
    (posts / "deep" / "deeper" / "claim.md").write_text(CLAIM + "\n", encoding="utf-8")
    (posts / "deep" / "deeper" / "up").symlink_to("../..", target_is_directory=True)
    (posts / "self").symlink_to(".", target_is_directory=True)
    (posts / "loop.md").symlink_to("loop.md")
    code, report, _ = run_check("posts", GOOD)
    files = by_path(report)
    assert code == 2
    assert sorted(files) == [GOOD, "posts/deep/deeper/claim.md", "posts/loop.md"]
    assert files["posts/loop.md"]["error"] == (
        f"posts/loop.md: symbolic link loop: the link leads back to itself {HINT_LINK}")
    assert_good_post_reviewed(files, "posts/deep/deeper/claim.md")


def test_paths_with_spaces_and_non_ascii_names_are_reviewed(workdir: Path) -> None:
    folder = workdir / "my posts" / "übersicht"
    folder.mkdir(parents=True)
    name = "Ünïcödé post — 2025.md"
    (folder / name).write_text("# Ça va\n\n" + CLAIM + "\n", encoding="utf-8")
    code, report, _ = run_check("my posts", GOOD)
    files = by_path(report)
    assert code == 1
    assert_good_post_reviewed(files, f"my posts/übersicht/{name}")
    finding = next(f for f in files[f"my posts/übersicht/{name}"]["findings"]
                   if f["rule"] == "overclaim.cure")
    assert (finding["line"], finding["column"], finding["excerpt"]) == (3, 23, "cures")


# -- encodings and line endings: reviewed, with positions exact in the original bytes ---------

ENCODINGS = {
    "utf-8 with BOM": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "utf-16 LE with BOM": lambda text: b"\xff\xfe" + text.encode("utf-16-le"),
    "utf-16 BE with BOM": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
    "CRLF": lambda text: text.replace("\n", "\r\n").encode("utf-8"),
    "lone CR": lambda text: text.replace("\n", "\r").encode("utf-8"),
    "mixed CRLF, CR and LF": lambda text: "".join(
        line + ("\r\n", "\r", "\n")[index % 3]
        for index, line in enumerate(text.split("\n")[:-1])).encode("utf-8"),
}
POST = "---\ntitle: Ketamine\n---\n# Héading\n\nIntro line — ünïcode.\n\nFirst line.\n" + CLAIM + "\n"


def original_lines(data: bytes) -> list[str]:
    """The lines of the file as an editor shows them: decoded, split at CRLF, CR or LF."""
    for bom, encoding in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"),
                          (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return re.split(r"\r\n|\r|\n", data.decode(encoding))
    return re.split(r"\r\n|\r|\n", data.decode("utf-8"))


@pytest.mark.parametrize("encode", ENCODINGS.values(), ids=ENCODINGS.keys())
def test_encodings_and_line_endings_keep_positions_exact(workdir: Path,
                                                         encode: Callable[[str], bytes]) -> None:
    data = encode(POST)
    (workdir / "post.md").write_bytes(data)
    code, report, _ = run_check("post.md", GOOD)
    files = by_path(report)
    assert code == 1
    assert_good_post_reviewed(files, "post.md")
    lines = original_lines(data)
    for finding in files["post.md"]["findings"]:
        if finding["line"] == finding["end_line"]:
            text = lines[finding["line"] - 1][finding["column"] - 1:finding["end_column"] - 1]
            assert text == finding["excerpt"]
    cure = next(f for f in files["post.md"]["findings"] if f["rule"] == "overclaim.cure")
    assert (cure["line"], cure["column"]) == (9, 23)


# -- very large posts -----------------------------------------------------------------------

def test_200000_character_line_is_reviewed_with_exact_columns(workdir: Path) -> None:
    filler = "Patients talk with their doctor about care. " * 4546  # 200,024 characters
    line = filler + CLAIM
    (workdir / "long.md").write_text(line + "\n", encoding="utf-8")
    code, report, _ = run_check("long.md", GOOD)
    files = by_path(report)
    assert code == 1
    cure = next(f for f in files["long.md"]["findings"] if f["rule"] == "overclaim.cure")
    assert (cure["line"], cure["column"]) == (1, line.index("cures") + 1)
    assert cure["excerpt"] == "cures"


def test_single_block_larger_than_spacy_max_length_is_cut_not_refused() -> None:
    from medreview.engine import Engine
    from medreview.nlp import get_nlp
    from medreview.ruleset import load_ruleset
    from medreview.source import source_from_bytes

    words = "Care " * (get_nlp().max_length // 5 + 1000)  # one 2 MB paragraph, no sentence end
    text = words + CLAIM + "\n"
    engine = Engine(load_ruleset(("us",)))
    result = engine.review(source_from_bytes(text.encode(), "huge.md", "markdown"))
    cure = next(f for f in result.findings if f.rule == "overclaim.cure")
    assert (cure.line, cure.column, cure.excerpt) == (1, text.index("cures") + 1, "cures")


BIG_POST_SCRIPT = """
import resource, sys
from medreview.cli import main
try:
    main(["check", sys.argv[1], "--format", "json", "--output", sys.argv[2]])
except SystemExit as exit:
    code = exit.code
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(code, peak)
"""
BIG_POST_BYTES = 20_000_000
BIG_POST_PEAK_MB = 3_000  # measured 2.1 GB (spaCy Docs of every block, textstat word lists)


def big_post(size: int) -> str:
    """A plausible long post: paragraphs of prose, a cure claim in every 200th."""
    paragraph = ("People with depression often try several treatments before one helps, and "
                 "a doctor can explain the options, the risks and the evidence for each. ")
    parts, total, index = ["# A very long post\n"], 0, 0
    while total < size:
        text = paragraph * 3 + (CLAIM if index % 200 == 0 else "")
        parts.append(text)
        total += len(text) + 2
        index += 1
    return "\n\n".join(parts) + "\n"


@pytest.mark.slow
def test_20_mb_post_completes_with_bounded_memory(tmp_path: Path) -> None:
    post = tmp_path / "big.md"
    post.write_text(big_post(BIG_POST_BYTES), encoding="utf-8")
    out = tmp_path / "big.json"
    done = subprocess.run([sys.executable, "-c", BIG_POST_SCRIPT, str(post), str(out)],
                          capture_output=True, text=True, timeout=1800, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    code, peak_mb = map(int, done.stdout.split())
    assert code == 1
    assert peak_mb < BIG_POST_PEAK_MB
    lines = post.read_text(encoding="utf-8").split("\n")
    findings = json.loads(out.read_text())["files"][0]["findings"]
    cures = [f for f in findings if f["rule"] == "overclaim.cure"]
    assert len(cures) == sum(CLAIM in line for line in lines)
    for cure in cures[::50]:
        assert lines[cure["line"] - 1][cure["column"] - 1:cure["end_column"] - 1] == "cures"


# -- the error matrix is documented ---------------------------------------------------------

def test_errors_doc_lists_every_bad_input_case() -> None:
    doc = ERRORS_DOC.read_text(encoding="utf-8").replace("\\|", "|")
    for bad in BAD_INPUTS:
        assert bad.case in doc, bad.case
        assert bad.message in doc, bad.message
    assert UNREADABLE in doc


# -- internal errors: one line without --debug, a traceback with it --------------------------

CRASH_SCRIPT = """
import sys
import medreview.engine

def crash(*args, **kwargs):
    raise RuntimeError("simulated bug")

medreview.engine.Engine.review = crash
from medreview.cli import main
main(sys.argv[1:])
"""


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
def test_internal_error_shows_a_traceback_only_with_debug(workdir: Path, debug: bool) -> None:
    args = ["--debug"] * debug + ["check", GOOD]
    done = subprocess.run([sys.executable, "-c", CRASH_SCRIPT, *args], capture_output=True,
                          text=True, timeout=300, cwd=workdir)
    assert done.returncode != 0
    if debug:
        assert "Traceback (most recent call last)" in done.stderr
        assert done.stderr.rstrip().endswith("RuntimeError: simulated bug")
    else:
        assert done.returncode == 2
        assert done.stderr == ("medreview: internal error: RuntimeError: simulated bug (rerun "
                               "with --debug for a traceback and report it)\n")
