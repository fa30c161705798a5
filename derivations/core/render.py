"""How exact results become page content: LaTeX, Markdown tables, numbers, source listings.

Everything a page or a notebook prints goes through here, so formatting rules live in one
place. Every published result is a `Published`: it renders with `to_markdown(lang)`, the
one protocol pages call, and notebooks show it in their own language.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Iterable, Sequence

import sympy as sp

from .i18n import notebook_lang
from .symbols import latex_names


def latex(value) -> str:
    """LaTeX for an expression, a number or a relation; strings pass through."""
    if isinstance(value, str):
        return value
    return sp.latex(value, symbol_names=latex_names())


def equations(rows: Iterable[tuple[str, object]]) -> str:
    r"""A display block of aligned equations, `lhs = rhs`, for arithmatex.

    Examples:
        >>> from derivations.symbols import B
        >>> print(equations([("I", B)]))
        <BLANKLINE>
        $$
        \begin{aligned}
        I &= B
        \end{aligned}
        $$
        <BLANKLINE>
    """
    lines = " \\\\\n".join(f"{lhs} &= {latex(rhs)}" for lhs, rhs in rows)
    return f"\n$$\n\\begin{{aligned}}\n{lines}\n\\end{{aligned}}\n$$\n"


def decimal(value, digits: int = 4) -> str:
    r"""An exact number shown as a decimal with `digits` significant digits.

    Examples:
        >>> decimal(sp.Rational(19780, 67))
        '295.2'
        >>> decimal(989 * 10**12)
        '9.89 \\times 10^{14}'
    """
    number = float(value)
    text = f"{number:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return f"{mantissa} \\times 10^{{{int(exponent)}}}"
    return text


def integer(value) -> str:
    """An exact integer with thin-space-free thousands separators, for LaTeX.

    Examples:
        >>> integer(13015864320)
        '13{,}015{,}864{,}320'
    """
    return f"{int(value):,}".replace(",", "{,}")


def math(value) -> str:
    """Inline math for a table cell."""
    return f"${latex(value)}$"


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table, surrounded by blank lines."""
    rows = [list(row) for row in rows]
    for cell in [*header, *(cell for row in rows for cell in row)]:
        if "|" in cell:  # would split the cell, even inside math: write \vert instead
            raise ValueError(f"table cell contains '|': {cell!r}")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n" + "\n".join(lines) + "\n"


def source(*objects) -> str:
    """The real source of functions or classes, as a fenced Python block.

    Code pages print this so that what they show is what ran.
    """
    parts = [textwrap.dedent(inspect.getsource(inspect.unwrap(obj))).strip() for obj in objects]
    return "\n```python\n" + "\n\n\n".join(parts) + "\n```\n"


class Published:
    """A result a page prints: `to_markdown(lang)` renders it in the page's language.

    `lang` has no default, so a Chinese block that forgets it fails instead of printing
    English. Notebooks display the object directly, in the language of the notebook.
    """

    def to_markdown(self, lang: str) -> str:
        raise NotImplementedError(f"{type(self).__name__} must define to_markdown(lang)")

    def _repr_markdown_(self) -> str:
        return self.to_markdown(notebook_lang())
