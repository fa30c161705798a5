"""The Markdown side: arithmatex finds the math, KaTeX typesets it when the page is converted."""

from __future__ import annotations

import html
import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from pymdownx.arithmatex import ArithmatexExtension

from mdmath.katex import typeset

# arithmatex's generic output, also written by hand in raw HTML (derivations/calculator.py).
MARKED = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">\s*(?:\\\((?P<inline>.*?)\\\)|\\\[(?P<display>.*?)\\\])\s*</(?P=tag)>', re.S
)


def typeset_marked(text: str) -> str:
    """Every formula marked up as arithmatex marks it, typeset; its wrapper kept for styles."""
    def formula(found: re.Match) -> str:
        display = found["display"] is not None
        tex = html.unescape(found["display"] if display else found["inline"]).strip()
        return f'<{found["tag"]} class="arithmatex">{typeset(tex, display)}</{found["tag"]}>'

    return MARKED.sub(formula, text)


class _Typeset(Postprocessor):
    def run(self, text: str) -> str:
        return typeset_marked(text)


class MathExtension(Extension):
    """The Python-Markdown extension: arithmatex's syntax, typeset with KaTeX when the page is built."""

    def extendMarkdown(self, md: Markdown) -> None:
        ArithmatexExtension(generic=True).extendMarkdown(md)
        # After raw HTML is put back (30) and entities restored (20): formulas in raw HTML count too.
        md.postprocessors.register(_Typeset(md), "mdmath", 15)


def makeExtension(**kwargs) -> MathExtension:  # noqa: N802 - Python-Markdown's name
    """The extension, as Python-Markdown loads it by module name."""
    return MathExtension(**kwargs)
