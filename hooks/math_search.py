"""Search reads each formula as the text it shows; the published page keeps KaTeX's markup.

Material's search plugin parses the HTML of every page with Python's HTML parser, and KaTeX's
markup (and a figure's SVG) is most of a math page's tags: parsing it was a third of a rebuild.
Its indexer is handed a copy of the page in which each formula is reduced to its visible text
(`mdmath.katex.searchable`) and each figure the index skips anyway (`data-search-exclude`) is
left out; pages are published without mdmath's end-of-formula markers.

Written against mkdocs-material 9.8.2: the search plugin indexes a page in
`search_index.add_entry_from_context(page)`, reading `page.content`, and creates its index in
`on_config` (tests/test_structure.py pins the version).
"""

from __future__ import annotations

import re

from mdmath.katex import published, searchable

EXCLUDED_SVG = re.compile(r"<svg\b[^>]*\bdata-search-exclude\b.*?</svg>", re.S)
SPAN = re.compile(r"</?span\b[^>]*>")  # inline: the index keeps their text, and code is spans


def on_pre_build(config):
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    index = getattr(plugin, "search_index", None)
    add = getattr(index, "add_entry_from_context", None)
    if add is None or getattr(add, "reads_formulas_as_text", False):
        return

    def add_entry_from_context(page):
        content = page.content
        page.content = SPAN.sub("", searchable(EXCLUDED_SVG.sub("", content)))
        try:
            add(page)
        finally:
            page.content = content

    add_entry_from_context.reads_formulas_as_text = True
    index.add_entry_from_context = add_entry_from_context


def on_post_page(output, page, config):
    return published(output)
