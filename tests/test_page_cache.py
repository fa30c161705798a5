"""hooks/page_cache.py: under `mkdocs serve`, a page is converted again only when its inputs change."""

from __future__ import annotations

import logging
import re

import pytest
from conftest import ROOT
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.structure.pages import Page


@pytest.fixture
def project(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\nSee [the other page](other.md#part).\n", "utf-8")
    (docs / "other.md").write_text("# Other\n\n## Part { #part }\n\nText.\n", "utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        f"site_name: t\nhooks:\n  - {ROOT / 'hooks' / 'page_cache.py'}\nmarkdown_extensions:\n  - attr_list\n", "utf-8")
    return tmp_path


@pytest.fixture
def conversions(monkeypatch):
    """The source paths of the pages Page.render converted, in order."""
    converted = []
    render = Page.render

    def counting_render(self, config, files):
        converted.append(self.file.src_uri)
        return render(self, config, files)

    monkeypatch.setattr(Page, "render", counting_render)
    return converted


def serve_build(project, site):
    """One build as `mkdocs serve` makes it: the configuration loaded again, in the same process."""
    config = load_config(str(project / "mkdocs.yml"), site_dir=str(site))
    config.plugins.on_startup(command="serve", dirty=False)
    build(config)


def test_an_unchanged_page_is_not_converted_again_and_reads_the_same(project, conversions):
    serve_build(project, project / "first")
    assert sorted(conversions) == ["index.md", "other.md"]
    serve_build(project, project / "second")
    assert sorted(conversions) == ["index.md", "other.md"]  # nothing converted the second time
    for page in ("index.html", "other/index.html"):
        assert undated(project / "first" / page) == undated(project / "second" / page)


def undated(path) -> str:
    return re.sub(r"Build Date UTC : [^\n]*", "", path.read_text("utf-8"))


def test_an_edited_page_alone_is_converted_again(project, conversions):
    serve_build(project, project / "first")
    (project / "docs/index.md").write_text("# Home\n\nEdited.\n", "utf-8")
    serve_build(project, project / "second")
    assert conversions[2:] == ["index.md"]
    assert "Edited." in (project / "second/index.html").read_text("utf-8")


def test_links_from_a_cached_page_are_still_checked(project, conversions, caplog):
    serve_build(project, project / "first")
    (project / "docs/other.md").write_text("# Other\n\nThe part is gone.\n", "utf-8")
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        serve_build(project, project / "second")
    assert conversions[2:] == ["other.md"]  # index.md came from the cache ...
    assert "contains a link 'other.md#part'" in caplog.text  # ... and its link to the anchor was checked


def test_a_removed_page_converts_the_pages_again(project, conversions, caplog):
    serve_build(project, project / "first")
    (project / "docs/other.md").unlink()
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        serve_build(project, project / "second")
    assert conversions[2:] == ["index.md"]  # its link now points at a missing file
    assert "other.md" in caplog.text


def test_a_page_as_it_was_before_an_edit_is_forgotten(project, conversions):
    serve_build(project, project / "first")
    (project / "docs/index.md").write_text("# Home\n\nEdited.\n", "utf-8")
    serve_build(project, project / "second")
    (project / "docs/index.md").write_text("# Home\n\nSee [the other page](other.md#part).\n", "utf-8")
    serve_build(project, project / "third")
    assert conversions[2:] == ["index.md", "index.md"]  # the first version was no longer kept
