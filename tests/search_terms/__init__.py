"""What search must find: one module per lecture section, each with its own `TERMS`, so that
a section adds its terms in its own file (tests/search_terms/<section>.py) and edits no list.

A term is (language, query, the page it must find first); the page is its path under docs/
without the language suffix. tests/test_browser.py searches for each in Chromium, from the
home page of its language.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import NamedTuple


class Term(NamedTuple):
    lang: str
    query: str
    page: str


def all_terms() -> list[Term]:
    """Every section's terms, sections in name order."""
    terms = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda module: module.name):
        terms += [Term(*term) for term in importlib.import_module(f"{__name__}.{module.name}").TERMS]
    return terms
