"""The strict site build, run once per session, and what it publishes."""

from __future__ import annotations

import re

import pytest

from pages import LANGS, page_names

PAGES = page_names()


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
        [re.sub(r"\\text\{[^{}]*\}", r"\\text{}", math) for math in
         re.findall(r'<div class="arithmatex">(.*?)</div>', built_page(site.site, name, lang).read_text("utf-8"), re.S)]
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


def test_math_renderer_is_served_locally(site):
    assert (site.site / "assets/mathjax/tex-chtml.js").stat().st_size > 100_000
    assert list((site.site / "assets/mathjax/output/chtml/fonts/woff-v2").glob("*.woff"))
    html = built_page(site.site, "lecture-10/code-intensity", "zh").read_text("utf-8")
    assert 'src="../../../assets/mathjax/tex-chtml.js"' in html


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
        assert f"/{path}</loc>" in sitemap and f'hreflang="zh" href="' in sitemap
