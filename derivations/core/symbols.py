"""The registry of symbols: each topic defines its letters here, once, with their meanings.

Lectures reuse letters for different things: lecture 10's $N$ counts query heads, lecture 9's
$N$ counts parameters. Each quantity is its own SymPy symbol with a site-wide unique *name*
(`N` for heads, `N_params` for parameters), and `latex` says how it prints ($N$ for both).
Two topics can therefore print the same letter and never be mistaken for each other by SymPy.

Examples:
    >>> from derivations.core.symbols import define, REGISTRY
    >>> x = define("site", "x_example", en="an example", zh="示例", latex="x")
    >>> REGISTRY[x].topic
    'site'
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp


@dataclass(frozen=True)
class Notation:
    """A registered symbol: its topic, its meaning in each language, how it prints."""

    symbol: sp.Symbol
    topic: str
    en: str
    zh: str
    latex: str


REGISTRY: dict[sp.Symbol, Notation] = {}
TOPICS: dict[str, tuple[str, str]] = {}  # topic -> (English title, Chinese title) for the notation page


def topic(key: str, en: str, zh: str) -> str:
    """Name a topic for the notation page; returns `key`."""
    TOPICS[key] = (en, zh)
    return key


def define(topic: str, name: str, *, en: str, zh: str, latex: str | None = None,
           **assumptions) -> sp.Symbol:
    """A new positive symbol of `topic` (other assumptions on request), registered once.

    `name` is unique across the site; defining it again for the same topic returns the same
    symbol (a module reloaded under `mkdocs serve`), for another topic is an error.
    """
    assumptions = assumptions or {"positive": True}
    symbol = sp.Symbol(name, **assumptions)
    for known in REGISTRY.values():
        if known.symbol.name == name and (known.topic != topic or known.symbol != symbol):
            raise ValueError(f"symbol {name!r} of topic {topic!r} is already defined by {known.topic!r}")
    REGISTRY[symbol] = Notation(symbol, topic, en, zh, latex or sp.latex(symbol))
    return symbol


def latex_names() -> dict[sp.Symbol, str]:
    """How each registered symbol prints, for `sympy.latex(..., symbol_names=...)`."""
    return {item.symbol: item.latex for item in REGISTRY.values()}


def unregistered(expression) -> set[sp.Symbol]:
    """Free symbols of `expression` that no topic defined.

    Examples:
        >>> unregistered(sp.Symbol("stray") + 1)
        {stray}
    """
    return {s for s in sp.sympify(expression).free_symbols if not _registered(s)}


def _registered(symbol) -> bool:
    """A registered symbol, or an indexed one (`q[x]`) whose base and indices are."""
    if isinstance(symbol, sp.Indexed):
        return _registered(symbol.base) and all(not unregistered(index) for index in symbol.indices)
    if isinstance(symbol, sp.IndexedBase):
        return symbol.label in REGISTRY
    return symbol in REGISTRY
