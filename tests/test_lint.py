"""The repository stays ruff-clean under the rules in pyproject.toml (part of the fast `-m "not site"` loop)."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT


def test_ruff_check_passes():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"ruff check found problems:\n{result.stdout}{result.stderr}"
