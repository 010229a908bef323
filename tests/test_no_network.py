"""Nothing is ever downloaded: a full review (every pack, every output format) in a fresh
process with the network cut off tries no connection, no DNS lookup and no NLTK download.

The review runs in a subprocess so that first-use paths (spaCy's pipeline, the lemma table,
textstat's pronunciation dictionary, which textstat would fetch with nltk.download) really run
there, after the guard is in place and with HOME and NLTK_DATA pointing at empty folders.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from medreview.reporters import FORMATS
from medreview.ruleset import available_packs

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_posts"

# Cuts the network and NLTK's downloader off, records every attempt, then runs the CLI once per
# command line given (JSON on argv[1]) and writes the attempts to argv[2] at exit.
GUARD = r"""
import atexit, json, socket, sys

attempts = []

def refuse(name):
    def blocked(*args, **kwargs):
        attempts.append(name)
        raise OSError(f"network access attempted in a test: {name}")
    return blocked

for name in ("connect", "connect_ex", "sendto", "sendmsg"):
    setattr(socket.socket, name, refuse(f"socket.{name}"))
for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex",
             "gethostbyaddr"):
    setattr(socket, name, refuse(f"socket.{name}"))

import nltk
import nltk.data
nltk.download = refuse("nltk.download")
nltk.data.find = refuse("nltk.data.find")
nltk.data.load = refuse("nltk.data.load")

atexit.register(lambda: open(sys.argv[2], "w").write(json.dumps(attempts)))

from medreview.cli import main
codes = []
for args in json.loads(sys.argv[1]):
    try:
        main(args, standalone_mode=False)
        codes.append(0)
    except SystemExit as exit:
        codes.append(exit.code)
print(json.dumps(codes))

from textstat.backend.counts import _count_syllables
print(_count_syllables.get_cmudict.__module__)
"""


def test_full_review_makes_no_network_access(tmp_path: Path) -> None:
    empty = tmp_path / "empty-home"
    empty.mkdir()
    packs = [arg for pack in available_packs() for arg in ("--pack", pack)]
    commands = []
    for fmt in FORMATS:
        commands.append(["check", str(SAMPLES), *packs, "--format", fmt,
                         "--output", str(tmp_path / f"report.{fmt}"), "--fail-on", "never"])
    commands.append(["rules", "test"])
    log = tmp_path / "attempts.json"
    env = {**os.environ, "HOME": str(empty), "NLTK_DATA": str(empty), "XDG_CACHE_HOME": str(empty)}
    done = subprocess.run([sys.executable, "-c", GUARD, json.dumps(commands), str(log)],
                          capture_output=True, text=True, timeout=900, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    codes_line, patched_by = done.stdout.strip().splitlines()[-2:]
    assert json.loads(log.read_text()) == []
    assert json.loads(codes_line) == [0] * len(commands), done.stderr
    assert patched_by == "medreview.readability"  # textstat reads the cmudict package instead
    for fmt in FORMATS:
        assert (tmp_path / f"report.{fmt}").stat().st_size > 0
    metrics = json.loads((tmp_path / "report.json").read_text())["files"][0]["metrics"]
    assert metrics["words"] > 0 and metrics["smog_index"] > 0


def test_guard_really_catches_a_connection(tmp_path: Path) -> None:
    """The guard is not vacuous: code that reaches for the network is recorded."""
    probe = GUARD.replace("from medreview.cli import main",
                          "import urllib.request\n"
                          "try:\n    urllib.request.urlopen('http://example.org', timeout=1)\n"
                          "except OSError:\n    pass\n"
                          "try:\n    nltk.download('cmudict')\n"
                          "except OSError:\n    pass\n"
                          "from medreview.cli import main")
    log = tmp_path / "attempts.json"
    done = subprocess.run([sys.executable, "-c", probe, "[]", str(log)], capture_output=True,
                          text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(log.read_text()) == ["socket.create_connection", "nltk.download"]
