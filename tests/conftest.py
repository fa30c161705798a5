"""Shared fixtures: the project root, and the site builds of one test session.

Every build a session needs (the strict build of the site, and one per injected
fault in faults.py) starts in the background when the session starts, so that they
overlap the unit tests. Tests that need a build wait for it. The clean build starts
from empty caches, as on a fresh clone; the fault builds wait for it, two at a time,
and reuse its executed blocks and notebooks (mdext.exec_cache, hooks/notebooks.py):
each then runs only what its fault changed. The build the reproducibility test compares
runs every block itself (faults.OWN_BLOCKS).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SITE = "site"  # the name of the clean build, beside the names of faults.FAULTS


@dataclass(frozen=True)
class Build:
    site: Path
    returncode: int
    log: str


def mkdocs_build(project: Path, site: Path, *extra: str, exec_cache: Path | None = None,
                 prewarm: bool = True) -> Build:
    """Run `mkdocs build` in a subprocess: in-process builds leak plugin state."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project), "PREWARM": "1" if prewarm else "0"}
    if _scratch is not None:  # executed notebooks and blocks are shared by the session's builds
        env["NOTEBOOK_CACHE"] = str(_scratch / "notebooks")
        env["EXEC_CACHE"] = str(exec_cache or _scratch / "exec")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-d", str(site), *extra],
        cwd=project, env=env, capture_output=True, text=True, timeout=600,
    )
    return Build(site, result.returncode, result.stdout + result.stderr)


def project_copy(destination: Path) -> Path:
    """A copy of everything the build reads, to break on purpose."""
    for part in ("docs", "derivations", "hooks", "overrides", "mdmath"):
        shutil.copytree(ROOT / part, destination / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "mkdocs.yml", destination / "mkdocs.yml")
    return destination


_pool: ThreadPoolExecutor | None = None
_builds: dict[str, Future] = {}
_scratch: Path | None = None


def _build(name: str) -> Build:
    from faults import FAULTS, OWN_BLOCKS

    if name == SITE:
        return mkdocs_build(ROOT, _scratch / SITE, "--strict")
    inject, arguments = FAULTS[name]
    base = _scratch / name.replace(" ", "-")
    project = project_copy(base / "project")
    inject(project)
    if SITE in _builds:
        _builds[SITE].exception()  # wait: its executed blocks and notebooks are then in the shared caches
    return mkdocs_build(project, base / "site", *arguments,
                        exec_cache=base / "exec" if name in OWN_BLOCKS else None,
                        prewarm=name in OWN_BLOCKS)  # the others stop at their fault, long before the end


SITE_FIXTURES = {"site", "served", "faulty", "chromium", "tab", "reader"}


def pytest_collection_modifyitems(items):
    """Mark the tests that build the site (`-m "not site"` skips them: the inner loop). Run the
    browser tests after the others, and the tests of fault builds last: the fault builds start
    after the clean build, and run while the browser reads the clean one."""
    for item in items:
        if SITE_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.site)
    items.sort(key=lambda item: ("faulty" in getattr(item, "fixturenames", ()), item.path.name == "test_browser.py"))


def pytest_collection_finish(session):
    """Start the builds the collected tests need, the clean site first."""
    global _pool, _scratch
    wanted = {fixture for item in session.items for fixture in getattr(item, "fixturenames", ())}
    names = []
    if wanted & {"site", "served"}:
        names.append(SITE)
    if "faulty" in wanted:
        from faults import FAULTS

        names += list(FAULTS)
    if names:
        _scratch = Path(tempfile.mkdtemp(prefix="site-builds-"))
        _pool = ThreadPoolExecutor(max_workers=2)
        for name in names:  # one by one: a fault build looks up the clean one, submitted first
            _builds[name] = _pool.submit(_build, name)


def pytest_sessionfinish(session):
    if _pool is not None:
        _pool.shutdown(cancel_futures=True)
    if _scratch is not None:
        shutil.rmtree(_scratch, ignore_errors=True)


def background_build(name: str) -> Build:
    """The result of a build started with the session (started now if it was not)."""
    if name not in _builds:
        global _pool, _scratch
        _scratch = _scratch or Path(tempfile.mkdtemp(prefix="site-builds-"))
        _pool = _pool or ThreadPoolExecutor(max_workers=2)
        _builds[name] = _pool.submit(_build, name)
    return _builds[name].result()


@pytest.fixture(scope="session")
def site() -> Build:
    build = background_build(SITE)
    assert build.returncode == 0, build.log
    return build


@pytest.fixture
def derivations_copy(tmp_path, monkeypatch) -> Path:
    """A copy of `derivations` that mdext.exec_cache reads in place of the real package, to edit."""
    from mdext import exec_cache

    copy = tmp_path / "derivations"
    shutil.copytree(ROOT / "derivations", copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(exec_cache, "_root", lambda package: copy if package == "derivations" else None)
    return copy
