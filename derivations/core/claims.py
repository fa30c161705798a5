"""Claims a page asserts, checked when they are made: a false one stops the build.

A claim pairs what the lecture (or the site) says with what SymPy derives.
It is checked in `__post_init__`, so the page block that builds the list raises
`ClaimFailed` and the doc build stops on that block.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from . import render
from .i18n import pair, term


class ClaimFailed(AssertionError):
    """A claim the site publishes is not what the derivation gives."""


@dataclass(frozen=True)
class Claim:
    """`derived relation claimed`, with `relation` one of `==`, `<`, `>`.

    Examples:
        >>> from derivations.symbols import S
        >>> Claim(("generation", "生成"), S / (S + 1), "<", 1).holds
        True
        >>> Claim(("wrong", "错误"), S, "==", 2 * S)
        Traceback (most recent call last):
        ...
        derivations.core.claims.ClaimFailed: claim 'wrong' does not hold: derived S, claimed == 2*S
    """

    label: tuple[str, str]
    derived: sp.Expr
    relation: str
    claimed: sp.Expr
    name: str = ""  # LaTeX for what was derived, e.g. "I_{\\text{prefill}}"

    def __post_init__(self):
        if self.relation not in ("==", "<", ">"):
            raise ValueError(f"relation must be ==, < or >; got {self.relation!r}")
        if not self.holds:
            raise ClaimFailed(
                f"claim {self.label[0]!r} does not hold: "
                f"derived {self.derived}, claimed {self.relation} {self.claimed}"
            )

    @property
    def holds(self) -> bool:
        difference = sp.simplify(sp.sympify(self.derived) - sp.sympify(self.claimed))
        if self.relation == "==":
            return difference == 0
        if self.relation == "<":
            return difference.is_negative is True
        return difference.is_positive is True

    def to_row(self, lang: str) -> list[str]:
        symbol = {"==": "=", "<": "<", ">": ">"}[self.relation]
        equals, derived = _show(self.derived)
        return [
            pair(*self.label, lang),
            f"${self.name} {equals} {derived}$" if self.name else f"${derived}$",
            f"${symbol} {_show(self.claimed)[1]}$",
            "✓",
        ]


def _show(value) -> tuple[str, str]:
    """(relation, LaTeX) for a value: long integers grouped, fractions as rounded decimals."""
    value = sp.sympify(value)
    if value.is_Integer and abs(value) >= 10_000:
        return "=", render.integer(value)
    if value.is_Rational and not value.is_Integer:
        return r"\approx", render.decimal(value)
    return "=", render.latex(value)


@dataclass(frozen=True)
class Claims(render.Published):
    """Claims published together, as one table."""

    items: tuple[Claim, ...]

    def to_markdown(self, lang: str) -> str:
        header = [term("claim", lang), term("derived", lang), term("claimed", lang), term("checked", lang)]
        return render.table(header, (claim.to_row(lang) for claim in self.items))
