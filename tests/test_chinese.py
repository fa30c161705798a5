"""Chinese pages show no English beyond symbols, units, code and names: in prose the
reviewers check it, here the build checks what derived output prints inside math and in
notebook outputs, where a forgotten `lang` would leak English."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from pages import notebook_names, page_names
from test_site import built_page

from derivations.core.symbols import REGISTRY
from derivations.notation import load_all

load_all()
LETTERS = sorted({item.latex for item in REGISTRY.values() if "{" in item.latex}, key=len, reverse=True)

# Lower-case runs of three or more Latin letters are English words; units, code names and
# proper names are upper-case or carry digits (FLOP, HBM, bf16, H100, Llama), and these
# lower-case ones are units, functions or identifiers everywhere.
ALLOWED = {"exp", "log", "min", "max", "lim", "softmax", "sqrt", "floor", "ceil", "argmin", "argmax",
           "round", "int", "tanh", "det", "diag"}
WORD = re.compile(r"(?<![A-Za-z0-9\\])[a-z]{3,}(?![A-Za-z0-9])")  # float32, 2mnp: code and counts
SUBSCRIPT = re.compile(r"_\{?\\(?:text|mathrm)\{[^{}]*\}\}?")
TEXT_COMMAND = re.compile(r"\\(?:text|textrm|mathrm|operatorname)\{([^{}]*)\}")


def tex_of(page_html: str) -> list[str]:
    """The TeX of every formula on a page, however it was typeset."""
    annotations = re.findall(r'<annotation encoding="application/x-tex">(.*?)</annotation>', page_html, re.S)
    marked = re.findall(r'class="arithmatex">\s*\\[(\[](.*?)\\[)\]]\s*<', page_html, re.S)
    return [html_lib.unescape(tex) for tex in annotations + marked]


def english_in(tex: str) -> list[str]:
    for letter in LETTERS:  # a registered symbol is a symbol, whatever its subscript says
        tex = tex.replace(letter, " ")
    tex = SUBSCRIPT.sub(" ", tex)  # so is any letter with a named subscript: F_{\mathrm{fwd}}
    words = [w for body in TEXT_COMMAND.findall(tex) for w in WORD.findall(body)]
    return [w for w in words if w not in ALLOWED]


def test_english_in_math_is_found():
    assert english_in(r"\text{param bytes} = 2 P") == ["param", "bytes"]
    assert english_in(r"F_{\mathrm{fwd}} = 2 P, t_\text{step}") == []
    assert english_in(r"\text{参数字节数} = 2 P, \mathrm{MFU}, \operatorname{softmax}(x)") == []


@pytest.mark.parametrize("name", page_names())
def test_chinese_math_has_no_english_words(site, name):
    page = built_page(site.site, name, "zh").read_text("utf-8")
    leaks = sorted({word for tex in tex_of(page) for word in english_in(tex)})
    assert not leaks, f"zh/{name}: English inside math: {leaks}"


@pytest.mark.parametrize("name", notebook_names())
def test_chinese_notebook_outputs_have_no_english_words(site, name):
    page = (site.site / "zh" / name / "index.html").read_text("utf-8")
    outputs = re.findall(r'<div class="[^"]*jp-RenderedMarkdown[^"]*jp-OutputArea-output[^"]*"[^>]*>(.*?)</div>',
                         page, re.S)
    text = re.sub(r"<code>.*?</code>|<annotation.*?</annotation>|<[^>]+>", " ", " ".join(outputs), flags=re.S)
    leaks = sorted({w for w in WORD.findall(html_lib.unescape(text)) if w not in ALLOWED})
    assert not leaks, f"zh/{name}: English in displayed output: {leaks}"
