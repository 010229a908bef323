"""The HTML report in a real browser: headless Chromium renders it, runs none of a post's
script, shows the escaped text, screenshots it and prints it to PDF (one page per post)."""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from medreview.api import review
from medreview.reporters import html
from medreview.scorecard import verdict

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT_COPY = Path(os.environ.get("MEDREVIEW_SCREENSHOT", "/tmp/medreview-report.png"))
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run")
HOSTILE_POST = """\
---
title: "<script>document.title='pwned'</script>"
author: "\\" onmouseover=\\"document.body.dataset.pwned=1"
---

# Tricks <img src=x onerror="document.body.dataset.pwned=1">

This supplement cures anxiety. <script>document.title='pwned'</script>
Read [the study](javascript:document.body.dataset.pwned=1) today.
"""

pytestmark = pytest.mark.slow


def chromium() -> str:
    for candidate in ("chromium", "chromium-browser", "/usr/bin/chromium"):
        found = shutil.which(candidate)
        if found:
            return found
    pytest.skip("no Chromium installed (Debian: apt-get install chromium)")


def run_browser(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=180, check=True)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    """The report of sample_posts/ plus a hostile post, written to a temporary file."""
    tmp = tmp_path_factory.mktemp("browser")
    hostile = tmp / "posts" / "hostile.md"
    hostile.parent.mkdir()
    hostile.write_text(HOSTILE_POST, encoding="utf-8")
    report = review([ROOT / "sample_posts", hostile])
    page = tmp / "report.html"
    page.write_text(html.render(report), encoding="utf-8")
    return page, report


class Dom(HTMLParser):
    """Tags and attributes of the DOM Chromium dumped, plus the document title."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.title = ""
        self._in_title = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def test_browser_renders_verdicts_findings_and_inert_hostile_text(rendered, tmp_path: Path) -> None:
    page, report = rendered
    dom_text = run_browser(tmp_path, "--dump-dom", page.as_uri()).stdout
    dom = Dom(dom_text)
    assert dom.title.startswith("medreview report") and "pwned" not in dom.title
    assert not [tag for tag, _ in dom.tags if tag == "script"]
    for tag, attrs in dom.tags:
        assert "data-pwned" not in attrs and not any(a.startswith("on") for a in attrs), tag
        assert not (attrs.get("href") or "").startswith("javascript:")
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom_text
    for result in report.files:
        assert f'class="badge v-{verdict(result)}"' in dom_text
        for finding in result.findings:
            assert f"<code>{finding.rule}</code>" in dom_text
    assert "overclaim.cure" in dom_text


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_browser_screenshot(rendered, tmp_path: Path) -> None:
    page, _ = rendered
    shot = tmp_path / "report.png"
    run_browser(tmp_path, f"--screenshot={shot}", "--window-size=1280,2400", page.as_uri())
    assert png_size(shot) == (1280, 2400)
    assert shot.stat().st_size > 50_000  # a blank page compresses to a few kilobytes
    try:
        shutil.copyfile(shot, SCREENSHOT_COPY)  # for a person to look at
    except OSError:
        pass


def test_browser_prints_each_post_on_its_own_pages(rendered, tmp_path: Path) -> None:
    page, report = rendered
    pdf = tmp_path / "report.pdf"
    run_browser(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert pages >= len(report.files) + 2  # overview, a page per post at least, provenance
