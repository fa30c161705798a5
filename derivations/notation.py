"""The notation and glossary pages: every registered symbol and term, grouped by topic."""

from __future__ import annotations

import importlib
import pkgutil

from . import __path__ as _package_path
from .core import render
from .core.i18n import TERMS, message, pair, term
from .core.symbols import REGISTRY, TOPICS


def load_all() -> None:
    """Import every module of the package, so every topic has registered its symbols and words."""
    for module in pkgutil.walk_packages(_package_path, prefix=f"{__package__}."):
        importlib.import_module(module.name)


def notation_table(lang: str, only: str | None = None) -> str:
    """A table of symbols; `only` lists SymPy names to keep, e.g. "B S T", in that order.

    Examples:
        >>> print(notation_table("en", only="B"))
        <BLANKLINE>
        | Symbol | Meaning |
        |---|---|
        | $B$ | batch size: sequences decoded together |
        <BLANKLINE>
    """
    load_all()
    by_name = {item.symbol.name: item for item in REGISTRY.values()}
    names = only.split() if only else list(by_name)
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise ValueError(f"only names unknown symbols: {', '.join(unknown)}")
    rows = ([f"${by_name[name].latex}$", pair(by_name[name].en, by_name[name].zh, lang)] for name in names)
    return render.table([term("symbol", lang), term("meaning", lang)], rows)


def notation_page(lang: str) -> str:
    """Every topic's symbols, one section per topic, in the order topics were registered."""
    load_all()
    sections = []
    for key, titles in TOPICS.items():
        names = " ".join(item.symbol.name for item in REGISTRY.values() if item.topic == key)
        if names:
            heading = f"### {pair(*titles, lang)} {{ #{key.replace('_', '-')} }}"
            sections.append(f"\n{heading}\n{notation_table(lang, names)}")
    return "".join(sections)


def glossary_page(lang: str) -> str:
    """Every registered term in both languages, grouped by topic: the Chinese pages' vocabulary."""
    load_all()
    topics = dict.fromkeys(entry.topic for entry in TERMS.values())
    sections = []
    for key in topics:
        title = pair(*TOPICS[key], lang) if key in TOPICS else message(f"topic_{key}", lang)
        rows = ([entry.en, entry.zh] for entry in TERMS.values() if entry.topic == key)
        sections.append(f"\n### {title} {{ #{key.replace('_', '-')} }}\n" + render.table(["English", "中文"], rows))
    return "".join(sections)
