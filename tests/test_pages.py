"""Every page has its twin, with the same anchors and the same executed blocks."""

from __future__ import annotations

import ast
import re

import pytest
import yaml
from conftest import DOCS, ROOT
from pages import LANGS, blocks, headings, notebook_names, page_names, source

PAGES = page_names()


def test_pages_found():
    assert {"index", "notation", "lecture-10/code-intensity", "lecture-10/theory-intensity"} <= set(PAGES)


@pytest.mark.parametrize("name", PAGES)
def test_page_has_both_languages(name):
    missing = [lang for lang in LANGS if not (DOCS / f"{name}.{lang}.md").is_file()]
    assert not missing, f"{name} has no {', '.join(missing)} version"


@pytest.mark.parametrize("name", PAGES)
def test_every_heading_has_an_explicit_id(name):
    for lang in LANGS:
        bare = [title for _, title, anchor in headings(source(name, lang)) if not anchor]
        assert not bare, f"{name}.{lang}.md: headings without {{ #id }}: {bare}"


@pytest.mark.parametrize("name", PAGES)
def test_twins_have_the_same_anchors(name):
    en, zh = ([(level, anchor) for level, _, anchor in headings(source(name, lang))] for lang in LANGS)
    assert en == zh


@pytest.mark.parametrize("name", PAGES)
def test_twins_run_the_same_blocks(name):
    en, zh = (blocks(source(name, lang)) for lang in LANGS)
    assert en == zh


@pytest.mark.parametrize("name", PAGES)
def test_blocks_are_named_pointers(name):
    """Each block has a unique id and is imports plus one print: no logic in pages."""
    found = blocks(source(name, "en"))
    ids = [block_id for block_id, _ in found]
    assert all(ids), f"{name}: a block has no id"
    assert len(ids) == len(set(ids)), f"{name}: duplicate block ids {ids}"
    for block_id, code in found:
        statements = ast.parse(code).body
        imports = [s for s in statements if isinstance(s, (ast.Import, ast.ImportFrom))]
        assert statements[: len(imports)] == imports, f"{name}#{block_id}: imports first"
        rest = statements[len(imports):]
        assert len(rest) == 1, f"{name}#{block_id}: one printed call, found {len(rest)} statements"
        call = rest[0].value if isinstance(rest[0], ast.Expr) else None
        assert isinstance(call, ast.Call) and getattr(call.func, "id", "") == "print", f"{name}#{block_id}"
        modules = {s.module for s in imports if isinstance(s, ast.ImportFrom)}
        assert all(module.startswith("derivations") for module in modules), f"{name}#{block_id}: {modules}"


@pytest.mark.parametrize("name", PAGES)
def test_chinese_prose_has_no_space_between_han_and_latin(name):
    """House style: 用$h$组, not 用 $h$ 组 (full-width text needs no padding)."""
    prose = re.sub(r"^```.*?^```$", "", source(name, "zh"), flags=re.M | re.S)
    prose = re.sub(r"^\|.*$", "", prose, flags=re.M)  # tables align with spaces
    prose = re.sub(r"^(#+ )[\d.]+ ", r"\1", prose, flags=re.M)  # "## 3.1 标题" numbering
    spaced = re.findall(r"[\u4e00-\u9fff] +[A-Za-z0-9$`]|[A-Za-z0-9$`] +[\u4e00-\u9fff]", prose)
    assert not spaced, spaced[:5]


def test_nav_lists_every_page_and_translates_every_section():
    """Pages bring their titles (front matter, per language); only section names are translated."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=yaml.BaseLoader)
    sections, paths = [], []

    def walk(items):
        for item in items:
            if isinstance(item, str):
                paths.append(item.rsplit(".", 1)[0])
                continue
            for title, value in item.items():
                assert isinstance(value, list), f"give {value} its title in its front matter, not in the nav"
                sections.append(title)
                walk(value)

    walk(config["nav"])
    assert sorted(paths) == sorted(PAGES + notebook_names())
    i18n = next(plugin["i18n"] for plugin in config["plugins"] if isinstance(plugin, dict) and "i18n" in plugin)
    zh = next(language for language in i18n["languages"] if language["locale"] == "zh")
    assert set(sections) <= set(zh["nav_translations"]), set(sections) - set(zh["nav_translations"])


@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_a_title_in_each_language(name):
    titles = [re.match(r'---\ntitle: "([^"]+)"\n', source(name, lang)) for lang in LANGS]
    assert all(titles), f"{name}: front matter must start with title: \"…\" in both languages"
    assert titles[0][1] != titles[1][1], f"{name}: the Chinese title is the English one"


SHOWN = re.compile(r"print\(source\(([\w, ]+)\)\)")


@pytest.mark.parametrize("name", PAGES)
def test_source_shown_on_a_page_fits_its_box(name):
    """Listings scroll past 80 columns on a 1280-pixel screen: keep shown code narrower."""
    import importlib
    import inspect

    for block_id, code in blocks(source(name, "en")):
        match = SHOWN.search(code)
        if not match:
            continue
        names = {alias.name: node.module for node in ast.parse(code).body
                 if isinstance(node, ast.ImportFrom) for alias in node.names}
        for shown in (part.strip() for part in match[1].split(",")):
            function = getattr(importlib.import_module(names[shown]), shown)
            wide = [line for line in inspect.getsource(inspect.unwrap(function)).splitlines() if len(line) > 80]
            assert not wide, f"{name}#{block_id}: {shown}: {wide}"


@pytest.mark.parametrize("name", PAGES)
def test_headings_have_no_math(name):
    """The table of contents and search show headings as plain text: TeX would show raw."""
    for lang in LANGS:
        titled = [title for _, title, _ in headings(source(name, lang)) if "$" in title]
        assert not titled, f"{name}.{lang}: {titled}"
