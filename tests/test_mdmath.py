"""mdmath: formulas typeset by KaTeX while Markdown is converted, and a formula it cannot
typeset stops the conversion, quoting it."""

from __future__ import annotations

import markdown
import pytest

from mdmath import MathError, typeset

# Every construct the site's pages use (issue 14), and two it may.
CONSTRUCTS = {
    "operatorname": r"\operatorname{softmax}(A) V",
    "text": r"I_{\text{attn}} = \frac{S}{S + 1}",
    "chinese text": r"\text{批大小}\ B",
    "big bar": r"I \big|_{D = F = cB}",
    "lim": r"\lim_{c \to \infty} I = B",
    "aligned": r"\begin{aligned} \text{FLOPs} &= 2 B D F \\ \text{bytes} &= 2 B D \end{aligned}",
    "matrix": r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
    "cases": r"f(x) = \begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}",
}


def convert(text: str) -> str:
    return markdown.markdown(text, extensions=["mdmath", "md_in_html"])


@pytest.mark.parametrize("tex", CONSTRUCTS.values(), ids=CONSTRUCTS.keys())
@pytest.mark.parametrize("display", [False, True])
def test_constructs_are_typeset(tex, display):
    html = typeset(tex, display)
    assert 'class="katex-html"' in html and "<math" in html
    assert "katex-error" not in html
    assert ('class="katex-display"' in html) == display


def test_a_big_bar_is_enlarged():
    html = typeset(CONSTRUCTS["big bar"])
    assert "delimsizing" in html and 'minsize="1.2em"' in html


@pytest.mark.parametrize("tex", [r"\frac{a}{b", r"\nosuchmacro x", r"\begin{aligned} a \end{matrix}"])
def test_a_formula_katex_cannot_typeset_raises_quoting_it(tex):
    with pytest.raises(MathError, match="cannot typeset"):
        typeset(tex)
    with pytest.raises(MathError) as raised:
        convert(f"Text with ${tex}$ in it.")
    assert tex in str(raised.value)


def test_markdown_math_is_typeset_and_the_rest_left_alone():
    html = convert("Inline $a < b$, a \\$5 note, `$code$`.\n\n"
                   "$$\n\\begin{aligned} x &= 1 \\\\ y &= 2 \\end{aligned}\n$$\n")
    assert html.count('<span class="arithmatex"><span class="katex">') == 1
    assert html.count('<div class="arithmatex"><span class="katex-display">') == 1
    assert "$5" in html and "<code>$code$</code>" in html
    assert "\\(" not in html and "\\[" not in html


def test_formulas_in_raw_html_are_typeset():
    """Tables written as HTML (the calculators) mark their formulas the way arithmatex does."""
    html = convert('<table><tr><td><span class="arithmatex">\\(x &gt; y\\)</span></td></tr></table>')
    assert '<span class="arithmatex"><span class="katex">' in html
    assert "<mo>&gt;</mo>" in html


def test_search_reads_a_formula_once_as_the_text_it_shows():
    from material.plugins.search.plugin import Parser

    from mdmath.katex import published, searchable

    page = f"<p>a {typeset('K = 8')} b {typeset(r'x^{2}', display=True)}</p>"
    parser = Parser()
    parser.feed(searchable(page))
    parser.close()
    assert "".join(parser.data[0].text) == "<p>a K=8 b x2</p>"
    assert "<!--" not in published(page) and "<math" in published(page)
