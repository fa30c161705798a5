"""Faults the build must catch, each injected into its own copy of the project.

The faulty builds run two at a time in one module-scoped fixture, so the
module costs a few builds' wall time rather than one build per test.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from conftest import Build, mkdocs_build, project_copy


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text("utf-8") + text, "utf-8")


def break_attention_flops(project: Path) -> None:
    """The note series' error: count only Q·Kᵀ."""
    intensity = project / "derivations" / "intensity.py"
    source = intensity.read_text("utf-8")
    broken = source.replace(
        "flops = 2 * B * S * T * D + 2 * B * S * T * D  # Q·Kᵀ, then softmax(A)·V",
        "flops = 2 * B * S * T * D  # Q·Kᵀ only",
    )
    assert broken != source, "the line to break has moved"
    intensity.write_text(broken, "utf-8")


def break_links(project: Path) -> None:
    append(project / "docs/index.en.md", "\n\nSee [gone](no-such-page.md) and [gone](notation.md#no-such-anchor).\n")


FAULTS = {
    # name: (inject the fault, extra build arguments)
    "wrong derivation": (break_attention_flops, ()),  # not --strict: the hook stops it anyway
    "raising block": (lambda p: append(p / "docs/notation.zh.md",
                                       '\n```python exec="1" id="broken"\nraise ValueError("no")\n```\n'), ()),
    "missing twin": (lambda p: (p / "docs/notation.zh.md").unlink(), ()),  # not --strict: a hook stops it
    # A strict build reports every warning before it aborts, so these two share one build;
    # each test looks for its own fault's message.
    "broken links": (break_links, ("--strict",)),
    "reproducible": (lambda p: None, ("--strict",)),  # no fault: a second clean build
}


@pytest.fixture(scope="module")
def faulty(tmp_path_factory) -> dict[str, Build]:
    def run(name: str) -> Build:
        inject, arguments = FAULTS[name]
        base = tmp_path_factory.mktemp(name.replace(" ", "-"))
        project = project_copy(base / "project")
        inject(project)
        return mkdocs_build(project, base / "site", *arguments)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(FAULTS, pool.map(run, FAULTS)))


def test_a_wrong_derivation_stops_the_build_naming_page_and_block(faulty):
    build = faulty["wrong derivation"]
    assert build.returncode != 0
    assert "lecture-10/code-intensity" in build.log
    assert "'claims'" in build.log and "ClaimFailed" in build.log


def test_a_block_that_raises_stops_the_build_naming_page_and_block(faulty):
    build = faulty["raising block"]
    assert build.returncode != 0
    assert "notation.zh.md" in build.log and "'broken'" in build.log


def test_a_page_without_its_twin_fails_the_strict_build(faulty):
    build = faulty["missing twin"]
    assert build.returncode != 0
    assert "pages without their twin, add: notation.zh.md" in build.log, build.log


@pytest.mark.parametrize("target", ["no-such-page.md", "#no-such-anchor"])
def test_a_broken_internal_link_fails_the_strict_build(faulty, target):
    build = faulty["broken links"]
    assert build.returncode != 0
    assert re.search(rf"WARNING .*{re.escape(target)}", build.log), build.log


def test_two_builds_publish_the_same_html(site, faulty):
    """Reproducible output: a second build matches the session's, file for file, dates aside."""
    again = faulty["reproducible"]
    assert again.returncode == 0, again.log
    kinds = (".html", ".json", ".xml")
    first = {p.relative_to(site.site): p for p in site.site.rglob("*") if p.suffix in kinds}
    second = {p.relative_to(again.site): p for p in again.site.rglob("*") if p.suffix in kinds}
    assert first.keys() == second.keys()

    def undated(path: Path) -> str:
        return re.sub(r"\d{4}-\d{2}-\d{2}", "<date>", path.read_text("utf-8"))

    assert [str(name) for name in first if undated(first[name]) != undated(second[name])] == []
