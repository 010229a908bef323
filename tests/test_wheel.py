"""The built wheel carries the rule packs: install it into a fresh virtualenv and review a post
from another directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_ships_rules_and_reviews_from_another_directory(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist),
                            str(ROOT)], capture_output=True, text=True, check=False)
    assert build.returncode == 0, build.stderr
    wheel = next(dist.glob("medreview-*.whl"))

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    # The fresh environment sees the test environment's third-party packages (so nothing is
    # downloaded) but not this checkout: medreview itself comes only from the wheel.
    site = Path(subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    install = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "-q", str(wheel)],
                             capture_output=True, text=True, check=False)
    assert install.returncode == 0, install.stderr

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    post = elsewhere / "post.md"
    post.write_text("Our infusion protocol cures depression.\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    result = subprocess.run([str(env_dir / "bin" / "medreview"), "check", "post.md", "--format", "json"],
                            cwd=elsewhere, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert "overclaim.cure" in [f["rule"] for f in report["files"][0]["findings"]]
    where = subprocess.check_output([str(python), "-c", "import medreview.paths as p; print(p.builtin_rules_dir())"],
                                    cwd=elsewhere, text=True, env=env).strip()
    assert where.startswith(str(env_dir)) and where.endswith("_rules")
    listed = subprocess.check_output([str(env_dir / "bin" / "medreview"), "rules", "list"], cwd=elsewhere,
                                     text=True, env=env)
    assert "crisis.resource-missing" in listed
