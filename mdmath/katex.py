"""KaTeX, run in Node: one long-lived process per Python process, formulas cached.

KaTeX's files come from the pinned `djangocms-katex` wheel (its static files only); Node is
the machine's own. Nothing is fetched.
"""

from __future__ import annotations

import atexit
import functools
import json
import re
import shutil
import subprocess
import threading
from pathlib import Path

import djangocms_katex
from pymdownx.superfences import SuperFencesException

ASSETS = Path(djangocms_katex.__file__).parent / "static" / "djangocms_katex" / "vendor" / "katex"

# Reads one JSON request a line, answers one JSON line: {"html"} or {"error"}.
_SERVER = r"""
const katex = require(process.argv[1]);
const lines = require("readline").createInterface({ input: process.stdin });
lines.on("line", line => {
  const { tex, display } = JSON.parse(line);
  let answer;
  try {
    answer = { html: katex.renderToString(tex, {
      displayMode: display, throwOnError: true, strict: "error", output: "htmlAndMathml" }) };
  } catch (error) {
    answer = { error: String(error.message || error) };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
"""


class MathError(SuperFencesException):
    """A formula KaTeX cannot typeset; the message quotes it.

    A SuperFencesException, so that a formula printed by an executed block (markdown-exec)
    stops the build too: SuperFences turns other errors into a plain code block.
    """


class _Katex:
    def __init__(self):
        node = shutil.which("node")
        if node is None:
            raise MathError("KaTeX runs in Node at build time: install Node.js (`apt-get install nodejs`)")
        self.process = subprocess.Popen(
            [node, "-e", _SERVER, str(ASSETS / "katex.js")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
        )
        self.lock = threading.Lock()  # notebook pages are typeset from worker threads
        atexit.register(self.process.kill)

    def render(self, tex: str, display: bool) -> dict:
        with self.lock:
            self.process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
            self.process.stdin.flush()
            return json.loads(self.process.stdout.readline())


@functools.cache
def _katex() -> _Katex:
    return _Katex()


# An inline formula that is only a number ($2{,}768$, $9.89 \times 10^{14}$): half the formulas in the
# tables. Set as text it reads the same and weighs a twentieth of KaTeX's HTML + MathML.
NUMBER = re.compile(r"(?P<sign>-?)(?P<digits>\d[\d{},]*(?:\.\d+)?)(?:\s*\\times\s*10\^\{(?P<exponent>-?\d+)\})?")


MINUS, THIN = "\u2212", "\u2009"


def _number(tex: str) -> str | None:
    found = NUMBER.fullmatch(tex.strip())
    if not found:
        return None
    text = (MINUS if found["sign"] else "") + found["digits"].replace("{,}", ",")
    if found["exponent"] is not None:
        exponent = found["exponent"].replace("-", MINUS)
        text += f"{THIN}×{THIN}10<sup>{exponent}</sup>"
    return f'<span class="katex-number">{text}</span>'


@functools.lru_cache(maxsize=None)
def typeset(tex: str, display: bool = False) -> str:
    r"""KaTeX's HTML and MathML for one formula; an inline number is set as text.

    Examples:
        >>> "<math" in typeset(r"\frac{a}{b}")
        True
        >>> typeset(r"9.89 \times 10^{14}")
        '<span class="katex-number">9.89\u2009×\u200910<sup>14</sup></span>'
        >>> typeset(r"\frac{a}{b", display=True)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        mdmath.katex.MathError: cannot typeset $$\frac{a}{b$$: KaTeX parse error: Unexpected end of input ...
    """
    number = None if display else _number(tex)
    if number is not None:
        return number
    answer = _katex().render(tex, display)
    if "error" in answer:
        fence = "$$" if display else "$"
        raise MathError(f"cannot typeset {fence}{tex}{fence}: {answer['error']}")
    return answer["html"] + END


# Ends each formula KaTeX typeset (an HTML comment: invisible, and gone from the published page,
# see `published`), so that `searchable` finds where a formula stops without parsing its markup.
END = "<!--/math-->"
FORMULA = re.compile(r'<span class="katex(?:-display)?">.*?' + re.escape(END), re.S)
MATHML = re.compile(r'<span class="katex-mathml">.*?</math></span>', re.S)
TAG = re.compile(r"<[^>]+>")


@functools.lru_cache(maxsize=None)
def _visible(formula: str) -> str:
    return TAG.sub("", MATHML.sub("", formula)).replace("\xa0", " ")


def searchable(page_html: str) -> str:
    """A page's HTML with every formula reduced to the text it shows, for a search indexer.

    KaTeX's markup is most of a math page's tags, and an HTML parser pays for each.

    Examples:
        >>> searchable("<p>" + typeset("N = 6 D") + " holds</p>")
        '<p>N=6D holds</p>'
    """
    return FORMULA.sub(lambda found: _visible(found[0]), page_html)


def published(page_html: str) -> str:
    """A page's HTML without the markers `searchable` relies on."""
    return page_html.replace(END, "")
