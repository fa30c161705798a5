"""The strict site build, run once per session, and what it publishes."""

from __future__ import annotations

import json
import re

import pytest
from pages import LANGS, notebook_names, page_names
from weight import BUDGET_BYTES, page_bytes, page_files

PAGES = page_names()
PUBLISHED = PAGES + notebook_names()


def built_page(site, name: str, lang: str):
    prefix = "" if lang == "en" else f"{lang}/"
    directory = "" if name == "index" else f"{name}/"
    return site / f"{prefix}{directory}index.html"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", PAGES)
def test_page_is_built_without_traceback(site, name, lang):
    html = built_page(site.site, name, lang).read_text("utf-8")
    assert "Traceback (most recent call last)" not in html
    assert "exited with errors" not in html


@pytest.mark.parametrize("name", PAGES)
def test_twins_show_the_same_display_math(site, name):
    """Derived output is language-neutral: both languages publish identical equations, except
    for the words inside `\\text{…}`, which each page shows in its own language."""
    en, zh = (
        [re.sub(r"\\text\{[^{}]*\}", r"\\text{}", math) for math in re.findall(
            r'class="katex-display">.*?<annotation encoding="application/x-tex">(.*?)</annotation>',
            built_page(site.site, name, lang).read_text("utf-8"), re.S)]
        for lang in LANGS
    )
    assert en == zh


def test_each_derivation_is_computed_once_per_build(site):
    """The second language reuses the first one's derivations: the counts do not grow."""
    reports = re.findall(r"derivations computed: (.*)", site.log)
    assert len(reports) == len(LANGS), site.log
    assert len(set(reports)) == 1, reports
    counts = [int(count) for count in re.findall(r"×(\d+)", reports[0])]
    assert counts and set(counts) == {1}, reports[0]


def test_nothing_is_loaded_from_another_host(site):
    for html_file in site.site.rglob("*.html"):
        html = html_file.read_text("utf-8")
        for tag, attribute in re.findall(r"<(script|link|img)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"", html):
            if tag == "link" and "stylesheet" not in html[html.find(attribute) - 200: html.find(attribute)]:
                continue
            assert not re.match(r"(https?:)?//", attribute), f"{html_file}: {tag} {attribute}"


def test_math_stylesheet_and_its_fonts_are_served_locally(site):
    css = (site.site / "assets/katex/katex.css").read_text("utf-8")
    fonts = re.findall(r"url\(([^)]+)\)", css)
    assert fonts and all(font.endswith(".woff2") for font in fonts)
    assert all((site.site / "assets/katex" / font).is_file() for font in fonts)
    html = built_page(site.site, "lecture-10/code-intensity", "zh").read_text("utf-8")
    assert 'href="../../../assets/katex/katex.css"' in html


# What a reader would see as raw TeX, were a formula left untypeset.
RAW_TEX = re.compile(r"\$\$|\\\(|\\\[|\\begin\{|\\(?:frac|text|operatorname|sum|cdot)\b|\$[^$<>\s][^$<>]*\$")
# Code (a notebook's copy button holds its cell's source too), scripts and TeX kept for machines.
UNREAD = re.compile(r"<(pre|code|script|style|annotation|textarea)\b.*?</\1>"
                    r"|<div class=\"clipboard-copy-txt\".*?</div>", re.S)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", PUBLISHED)
def test_every_formula_is_typeset_when_the_site_is_built(site, name, lang):
    html = built_page(site.site, name, lang).read_text("utf-8")
    assert not re.search(r"<script\b[^>]*(?:math/tex|mathjax|katex)", html, re.I), "a math script at read time"
    formulas = re.findall(r'<(span|div) class="arithmatex">(.{0,40})', html)
    assert all(start.startswith('<span class="katex') for _, start in formulas), "a formula KaTeX did not typeset"
    raw = RAW_TEX.findall(UNREAD.sub("", html))
    assert raw == [], f"raw TeX on the page: {raw[:5]}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", PUBLISHED)
def test_every_page_downloads_within_its_budget(site, name, lang):
    page = built_page(site.site, name, lang)
    weight = page_bytes(page)
    assert len(page_files(page)) > 3, "no stylesheets or scripts found: the count would be meaningless"
    assert weight <= BUDGET_BYTES, f"{weight / 1e3:.0f} kB: " + ", ".join(
        f"{path.name} {path.stat().st_size / 1e3:.0f} kB" for path in page_files(page))


def test_code_page_shows_the_source_that_ran(site):
    import inspect

    from derivations.intensity import attention

    html = built_page(site.site, "lecture-10/code-intensity", "en").read_text("utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    first_line = inspect.getsource(inspect.unwrap(attention)).splitlines()[0]
    assert first_line.split("(")[0] in text  # "def attention"
    assert "kv_values = 2 * B * S * D / group" in text.replace("&quot;", '"')


def test_the_404_page_speaks_both_languages(site):
    html = (site.site / "404.html").read_text("utf-8")
    assert 'lang="en"' in html and 'lang="zh"' in html
    assert re.search(r'href="[^"]*/zh/"', html)


def test_sitemap_lists_both_languages(site):
    sitemap = (site.site / "sitemap.xml").read_text("utf-8")
    for name in PAGES:
        path = "" if name == "index" else f"{name}/"
        assert f"/{path}</loc>" in sitemap and 'hreflang="zh" href="' in sitemap


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_has_its_own_search_index(site, lang):
    """Pages of one language, each section with its own address (a shared one breaks Material's
    highlighting, and then its search)."""
    folder = site.site / ("" if lang == "en" else f"{lang}/") / "search"
    docs = json.loads((folder / "search_index.json").read_text("utf-8"))["docs"]
    pages = {doc["location"].split("#")[0] for doc in docs}
    assert pages == {("" if name == "index" else f"{name}/") for name in PUBLISHED}
    locations = [doc["location"] for doc in docs]
    assert len(locations) == len(set(locations)), "sections sharing an address"
    words = json.loads((folder / "words.json").read_text("utf-8"))
    assert (len(words) > 1000) == (lang == "zh")


@pytest.mark.parametrize("name", notebook_names())
def test_notebook_headings_share_the_english_anchors(site, name):
    """As page headings do; nbconvert alone gives Chinese headings an empty id."""
    en, zh = (re.findall(r'<h[1-6] id="([^"]*)"', built_page(site.site, name, lang).read_text("utf-8"))
              for lang in LANGS)
    assert en == zh and all(en), (en, zh)
