"""Faults the build must catch, each injected into its own copy of the project.

The builds start with the test session, in the background (conftest.py), so
they overlap the unit tests instead of adding their time to the suite's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import Build, background_build
from faults import FAULTS


@pytest.fixture(scope="module")
def faulty() -> dict[str, Build]:
    return {name: background_build(name) for name in FAULTS}


def test_a_wrong_derivation_stops_the_build_naming_page_and_block(faulty):
    build = faulty["wrong derivation"]
    assert build.returncode != 0
    assert "lecture-10/code-intensity" in build.log
    assert "'claims'" in build.log and "ClaimFailed" in build.log


def test_a_block_that_raises_stops_the_build_naming_page_and_block(faulty):
    build = faulty["raising block"]
    assert build.returncode != 0
    assert "notation.zh.md" in build.log and "'broken'" in build.log


def test_a_failing_notebook_cell_stops_the_build_naming_the_notebook(faulty):
    build = faulty["failing notebook cell"]
    assert build.returncode != 0
    assert "notebook speculative-sampling.en.py: cell" in build.log and "a broken cell" in build.log


def test_a_formula_katex_cannot_typeset_stops_the_build_naming_page_and_formula(faulty):
    build = faulty["broken formula"]
    assert build.returncode != 0
    assert "Error reading page 'index.en.md'" in build.log
    assert "cannot typeset $$\\frac{B}{S$$" in build.log


def test_a_page_without_its_twin_fails_the_strict_build(faulty):
    build = faulty["missing twin"]
    assert build.returncode != 0
    assert "pages without their twin, add: notation.zh.md" in build.log, build.log


@pytest.mark.parametrize("target", ["no-such-page.md", "#no-such-anchor"])
def test_a_broken_internal_link_is_a_warning_which_fails_strict_builds(faulty, target):
    build = faulty["broken links"]
    assert re.search(rf"WARNING .*{re.escape(target)}", build.log), build.log


def test_two_builds_publish_the_same_html(site, faulty):
    """Reproducible output: a second build matches the session's, file for file, dates aside.

    The second build is the broken-links one: only the page it edits and the search index differ.
    It ran every executed block itself (faults.OWN_BLOCKS), so derivations are compared too.
    """
    again = faulty["broken links"]
    assert again.returncode == 0, again.log
    edited = {Path("index.html"), Path("search/search_index.json")}
    kinds = (".html", ".json", ".xml")
    first = {p.relative_to(site.site): p for p in site.site.rglob("*") if p.suffix in kinds}
    second = {p.relative_to(again.site): p for p in again.site.rglob("*") if p.suffix in kinds}
    assert first.keys() == second.keys()
    first = {name: path for name, path in first.items() if name not in edited}

    def undated(path: Path) -> str:
        return re.sub(r"\d{4}-\d{2}-\d{2}", "<date>", path.read_text("utf-8"))

    assert [str(name) for name in first if undated(first[name]) != undated(second[name])] == []
