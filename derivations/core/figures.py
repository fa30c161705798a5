"""Figures drawn at build time: matplotlib to an inline SVG that follows the page.

What every topic's figures share. The SVG's text stays text (the reader's fonts render it,
Chinese included); it has a title and a description for screen readers and sits in a
`<figure>` with its caption. Colours follow the page: axes, text and roofs are drawn in
`currentColor`, the legend's box in Material's background colour and the data in CSS
variables with a fallback, so a figure reads on the light and on the dark ("slate") scheme.
"""

from __future__ import annotations

import html
import io
import re

from .i18n import check_lang

# Sentinel colours, replaced in the SVG: matplotlib needs a colour, the page decides it.
INK = "#010203"  # -> currentColor: the page's text colour, dark on light and light on dark
PAPER = "#fdfcfb"  # -> Material's background colour (the legend's box)
# Okabe-Ito blue, vermillion, green, and a purple: contrast >= 3:1 on white. In the SVG
# each becomes `var(--figure-color-N, colour)`; docs/assets/site.css lightens them on slate.
COLORS = ("#0072b2", "#d55e00", "#009e73", "#9467bd")
WIDTH_IN = 7.0  # figure width in inches; the page scales the SVG to its column
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans SC",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback", "Microsoft YaHei",
             "PingFang SC", "Hiragino Sans GB")


def label_number(value: float) -> str:
    """A plotted value for a label: three significant digits, thousands grouped.

    Examples:
        >>> label_number(295.22), label_number(19968.7), label_number(0.999)
        ('295', '19,969', '0.999')
    """
    value = float(value)
    if abs(value) >= 100:
        return f"{round(value):,}"
    return f"{value:.3g}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# ---- drawing --------------------------------------------------------------------------------------

def font_family() -> list[str]:
    """DejaVu Sans, then an installed CJK font: matplotlib measures text with these to lay
    it out. The SVG names only the generic `sans-serif`; no font is embedded.
    """
    from matplotlib import font_manager

    installed = {font.name for font in font_manager.fontManager.ttflist}
    return ["DejaVu Sans", *[name for name in CJK_FONTS if name in installed][:1]]


def _style(salt: str) -> dict:
    return {
        "svg.fonttype": "none",  # text stays <text>
        "svg.hashsalt": salt,  # element ids from a fixed salt: the same SVG on every build
        "font.family": font_family(),
        "font.size": 9.5,
        "axes.titlesize": 10,
        "axes.labelsize": 10,
        "legend.fontsize": 9,
        "text.color": INK,
        "axes.edgecolor": INK,
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "axes.facecolor": "none",
        "figure.facecolor": "none",
        "savefig.facecolor": "none",
        "savefig.edgecolor": "none",
        "axes.grid": True,
        "grid.color": INK,
        "grid.alpha": 0.12,
        "grid.linewidth": 0.6,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.axisbelow": True,
        "axes.formatter.use_mathtext": False,
        "legend.facecolor": PAPER,
        "legend.edgecolor": INK,
        "legend.framealpha": 0.9,
        "legend.fancybox": False,
        "patch.linewidth": 0.6,
    }


def plain_ticks(axis) -> None:
    """Tick labels as plain numbers (1, 10, 1,000), not mathtext powers of ten."""
    from matplotlib.ticker import FuncFormatter, NullLocator

    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}" if value >= 1 else f"{value:g}"))
    axis.set_minor_locator(NullLocator())  # no minor ticks: each costs a drawn artist


def svg_figure(draw, *, height_in: float, salt: str, lang: str) -> str:
    """Run `draw(axes, lang)` on a fresh matplotlib figure and return the SVG element."""
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    with matplotlib.rc_context(_style(salt)):
        figure = Figure(figsize=(WIDTH_IN, height_in))
        FigureCanvasSVG(figure)
        # Fixed margins (inches), wide enough for either language: a layout engine would
        # measure every text first and triple the drawing time.
        figure.subplots_adjust(left=0.8 / WIDTH_IN, right=1 - 0.2 / WIDTH_IN,
                               bottom=0.6 / height_in, top=1 - 0.12 / height_in)
        draw(figure.add_subplot(), lang)
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata={"Creator": None, "Date": None, "Format": None, "Type": None})
    svg = out.getvalue()
    svg = svg[svg.index("<svg"):]  # no XML declaration or DOCTYPE inside HTML
    # matplotlib's <style> sets stroke joins with a `*` selector, which would reach the whole page
    svg = re.sub(r"\s*<defs>\s*<style[^>]*>.*?</style>\s*</defs>", "", svg, count=1, flags=re.S)
    svg = re.sub(r"font-family: [^;\"]+", "font-family: sans-serif", svg)
    svg = svg.replace(INK, "currentColor").replace(PAPER, "var(--md-default-bg-color, #fff)")
    for number, color in enumerate(COLORS, start=1):  # site.css brightens them on the dark scheme
        svg = svg.replace(color, f"var(--figure-color-{number}, {color})")
    return svg.strip()


def figure_html(draw, *, key: str, lang: str, height_in: float, title: str, desc: str, caption: str) -> str:
    """The figure as inline HTML: SVG with title and description, then the caption.

    The site's search indexes the caption, not the SVG's tick labels (`data-search-exclude`).
    """
    check_lang(lang)
    anchor = f"figure-{key}"
    svg = svg_figure(draw, height_in=height_in, salt=f"{key}-{lang}", lang=lang)
    width = re.search(r'width="([\d.]+)pt"', svg)[1]
    svg = re.sub(
        r'<svg ([^>]*?)width="[\d.]+pt" height="[\d.]+pt"',
        rf'<svg \1role="img" aria-labelledby="{anchor}-title" aria-describedby="{anchor}-desc" data-search-exclude="" '
        rf'style="display:block;width:100%;max-width:{float(width) * 4 / 3:.0f}px;height:auto;'
        rf'stroke-linejoin:round;stroke-linecap:butt"',
        svg, count=1,
    )
    svg = re.sub(
        r"(<svg [^>]*>)",
        lambda match: (f'{match[1]}\n<title id="{anchor}-title">{html.escape(title)}</title>'
                       f'\n<desc id="{anchor}-desc">{html.escape(desc)}</desc>'),
        svg, count=1,
    )
    caption = html.escape(caption).replace(" = ", "\u00a0=\u00a0")  # "S = 1024" stays on one line
    return (f'<figure class="derived-figure" id="{anchor}" style="width:100%">\n{svg}\n'
            f"<figcaption>{caption}</figcaption>\n</figure>")
