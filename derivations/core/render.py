"""How exact results become page content: LaTeX, Markdown tables, numbers, source listings.

Everything a page or a notebook prints goes through here, so formatting rules live in one
place. Every published result is a `Published`: it renders with `to_markdown(lang)`, the
one protocol pages call, and notebooks show it in their own language.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Iterable, Sequence
from math import floor, log10

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


def column(values, digits: int = 4) -> list[str]:
    r"""The numbers of one table column, in one style, for LaTeX cells.

    Whole numbers get thousands separators; others share one number of decimals, chosen so
    the largest shows `digits` significant digits; a column spanning more than six orders of
    magnitude is written with one common power of ten. No column switches style halfway.

    Examples:
        >>> column([2768, 12345])
        ['2{,}768', '12{,}345']
        >>> column([sp.Rational(1, 3), 295])
        ['0.3', '295.0']
        >>> column([2 * 10**12, sp.Rational(3, 2)])
        ['2 \\times 10^{12}', '1.5 \\times 10^{0}']
    """
    numbers = [sp.nsimplify(value) for value in values]
    if all(number.is_Integer for number in numbers) and max(abs(int(n)) for n in numbers) < 10**15:
        return [integer(number) for number in numbers]
    magnitudes = [abs(float(number)) for number in numbers if number != 0] or [1.0]
    largest = floor(log10(max(magnitudes)))
    if largest - floor(log10(min(magnitudes))) > 6:
        return [decimal(number, digits) if number == 0 else _scientific(float(number), digits) for number in numbers]
    places = max(0, digits - 1 - largest)
    return [f"{float(number):,.{places}f}".replace(",", "{,}") for number in numbers]


def _scientific(number: float, digits: int) -> str:
    exponent = floor(log10(abs(number)))
    return f"{number / 10**exponent:.{digits}g} \\times 10^{{{exponent}}}"


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
