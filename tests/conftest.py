"""Shared test setup: make tests/ importable for helper modules; the fuzz tests' example count."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

FUZZ_EXAMPLES_ENV = "MEDREVIEW_FUZZ_EXAMPLES"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--fuzz-examples", type=int, metavar="N",
                     help=f"Hypothesis examples per fuzz test (default 200; or set {FUZZ_EXAMPLES_ENV}).")


def pytest_configure(config: pytest.Config) -> None:
    examples = config.getoption("--fuzz-examples")
    if examples:  # test_fuzz.py reads the variable when its settings are built
        os.environ[FUZZ_EXAMPLES_ENV] = str(examples)
