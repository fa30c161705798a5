"""The Markdown side: arithmatex finds the math, KaTeX typesets it while the page is converted."""

from __future__ import annotations

import html
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from pymdownx.arithmatex import ArithmatexExtension

from mdmath.katex import typeset

CLASS = "arithmatex"


class _Typeset(Treeprocessor):
    """Replace each formula arithmatex marked with KaTeX's markup, stashed as raw HTML."""

    def run(self, root: etree.Element) -> None:
        for element in root.iter():
            if element.get("class") != CLASS:
                continue
            display = element.tag == "div"
            tex = html.unescape(element.text) if display else element.text  # arithmatex escapes blocks only
            element.text = self.md.htmlStash.store(typeset(tex.strip(), display))


class MathExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        # Bare TeX in a <span> (inline) or <div> (display) with class "arithmatex".
        ArithmatexExtension(generic=True, tex_inline_wrap=["", ""], tex_block_wrap=["", ""]).extendMarkdown(md)
        # After inline patterns (20) have found inline math, before the table of contents (5) reads headings.
        md.treeprocessors.register(_Typeset(md), "mdmath", 19)


def makeExtension(**kwargs) -> MathExtension:  # noqa: N802 - Python-Markdown's name
    return MathExtension(**kwargs)
