"""Shared fixtures: the project root and one strict site build per test session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


@dataclass(frozen=True)
class Build:
    site: Path
    returncode: int
    log: str


def mkdocs_build(project: Path, site: Path, *extra: str) -> Build:
    """Run `mkdocs build` in a subprocess: in-process builds leak plugin state."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project)}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-d", str(site), *extra],
        cwd=project, env=env, capture_output=True, text=True, timeout=600,
    )
    return Build(site, result.returncode, result.stdout + result.stderr)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Build:
    build = mkdocs_build(ROOT, tmp_path_factory.mktemp("site"), "--strict")
    assert build.returncode == 0, build.log
    return build


def project_copy(destination: Path) -> Path:
    """A copy of everything the build reads, to break on purpose."""
    for part in ("docs", "derivations", "hooks", "overrides"):
        shutil.copytree(ROOT / part, destination / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", destination / "mkdocs.yml")
    return destination
