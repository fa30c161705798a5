"""Figures: drawn from the derivations, SVG with text as text, alt text in the page's
language, nothing external, light, the same on every build, and plotting the right numbers.

Expected values are written as arithmetic from published shapes and datasheets, never by
calling the formulas the figures plot.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import sympy as sp
from conftest import ROOT

from derivations import figures
from derivations.core import figures as shared
from derivations.core.i18n import LANGS, message
from derivations.hardware import H100_SXM, TPU_V5E
from derivations.symbols import intensity

SVG = "{http://www.w3.org/2000/svg}"
HAN = re.compile(r"[\u4e00-\u9fff]")

# name -> the call a page makes (the same as in docs/lecture-10/*.md)
FIGURES = {
    "roofline-h100": "roofline()",
    "roofline-tpu-v5e": "roofline(TPU_V5E)",
    "latency-throughput": "latency_throughput()",
    "memory-batch": "memory_batch()",
}


def figure(name: str):
    return eval(FIGURES[name], {**vars(figures), "TPU_V5E": TPU_V5E})  # noqa: S307 - our own table


@pytest.fixture(scope="module")
def drawn() -> dict[tuple[str, str], str]:
    return {(name, lang): figure(name).to_markdown(lang) for name in FIGURES for lang in LANGS}


CASES = [(name, lang) for name in FIGURES for lang in LANGS]


def parsed(html: str) -> tuple[ET.Element, ET.Element]:
    root = ET.fromstring(html)
    svg = root.find(f"{SVG}svg")
    assert svg is not None, "no <svg> inside the <figure>"
    return root, svg


def texts(svg: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in svg.iter(f"{SVG}text")]


# ---- the SVG itself ------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "lang"), CASES)
def test_a_figure_with_an_svg_and_a_caption(drawn, name, lang):
    root, svg = parsed(drawn[name, lang])
    assert root.tag == "figure" and root.get("id", "").startswith("figure-")
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", svg.get("viewBox", "")), svg.get("viewBox")
    assert "width:100%" in svg.get("style", "")
    assert svg.get("data-search-exclude") == ""  # search indexes the caption, not tick labels
    caption = root.find("figcaption")
    assert caption is not None and len(caption.text or "") > 40


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_text_stays_text_in_the_page_language(drawn, name, lang):
    _, svg = parsed(drawn[name, lang])
    shown = texts(svg)
    assert len(shown) >= 10, shown
    axis = {"roofline-h100": "fig_intensity_axis", "roofline-tpu-v5e": "fig_intensity_axis",
            "latency-throughput": "tokens_per_s", "memory-batch": "fig_batch_axis"}[name]
    assert message(axis, lang) in shown
    assert any(HAN.search(text) for text in shown) == (lang == "zh")
    # text drawn as outlines would leave glyph definitions named after the font
    assert "DejaVu" not in drawn[name, lang]
    glyphs = [path.get("id") for path in svg.iter(f"{SVG}path") if re.match(r"[A-Z]\w+-[0-9a-f]+$", path.get("id", ""))]
    assert glyphs == []


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_alt_text_in_the_page_language(drawn, name, lang):
    root, svg = parsed(drawn[name, lang])
    assert svg.get("role") == "img"
    title = svg.find(f"{SVG}title")
    desc = svg.find(f"{SVG}desc")
    assert title is not None and svg.get("aria-labelledby") == title.get("id")
    assert desc is not None and svg.get("aria-describedby") == desc.get("id")
    assert len(desc.text) > 100
    for text in (title.text, desc.text, root.find("figcaption").text):
        assert bool(HAN.search(text)) == (lang == "zh"), text


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_nothing_external_and_no_font_embedded(drawn, name, lang):
    html = drawn[name, lang]
    namespaces = re.sub(r'xmlns(:xlink)?="http://www\.w3\.org/[\w/.]+"', "", html)
    assert "http" not in namespaces and "//" not in namespaces
    assert "@font-face" not in html and "<style" not in html and "<image" not in html
    assert re.findall(r"url\(([^)]*)\)", html) and all(ref.startswith("#")
                                                      for ref in re.findall(r"url\(([^)]*)\)", html))
    assert set(re.findall(r"font-family: ([^;\"]+)", html)) == {"sans-serif"}
    assert not html.startswith("<?xml") and "<!DOCTYPE" not in html


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_colours_follow_the_page(drawn, name, lang):
    """Ink is currentColor and data colours are CSS variables: the dark scheme restyles them."""
    html = drawn[name, lang]
    assert "currentColor" in html and "var(--figure-color-1, #0072b2)" in html
    assert shared.INK not in html and shared.PAPER not in html
    assert "#000000" not in html and "#ffffff" not in html


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_light(drawn, name, lang):
    size = len(drawn[name, lang].encode())
    assert 5_000 < size < 60_000, f"{name}.{lang}: {size} bytes"


def test_same_figures_in_fresh_processes(drawn):
    """Two builds publish the same HTML: element ids come from a fixed salt, no date is written."""
    script = (
        "import hashlib\n"
        "from derivations.figures import *\nfrom derivations.hardware import TPU_V5E\n"
        f"for call in {list(FIGURES.values())!r}:\n"
        "    for lang in ('en', 'zh'):\n"
        "        print(hashlib.sha256(eval(call).to_markdown(lang).encode()).hexdigest())\n"
    )
    # one other process, with a hash seed of its own (this one's is random): sets and dicts iterate differently
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "1"})
    here = [hashlib.sha256(drawn[name, lang].encode()).hexdigest() for name in FIGURES for lang in LANGS]
    assert run.stdout.split() == here, run.stderr


def test_figures_are_computed_once():
    assert figures.roofline() is figures.roofline()
    assert figures.memory_batch() is figures.memory_batch(kv_heads=(40, 8, 1))


def test_bad_input_names_the_problem():
    with pytest.raises(ValueError, match="seq_len"):
        figures.roofline(seq_len=0)
    with pytest.raises(ValueError, match="K \\(7\\) must divide N"):
        figures.latency_throughput(kv_heads=7)
    with pytest.raises(ValueError, match="accelerator 'H100' is unknown"):
        figures.roofline("H100")
    with pytest.raises(ValueError, match="lang"):
        figures.memory_batch().to_markdown("fr")


# ---- the numbers plotted -------------------------------------------------------------------------

H100_FLOPS = 989e12  # NVIDIA datasheet, H100 SXM, dense bf16
H100_BYTES_PER_S = 3.35e12  # 3.35 TB/s
# Llama 2 13B: the published 13,015,864,320 parameters less the (2L + 1)·D norm weights.
LLAMA2_13B_PARAMS = 13_015_864_320 - (2 * 40 + 1) * 5120
KV_PER_SEQ = 2 * 1024 * 40 * 40 * 128 * 2  # K and V, S tokens, L layers, K heads of H values, bf16


def test_the_roofline_is_the_lower_roof():
    roof = H100_SXM.attainable_flops_per_s
    assert float(roof.subs(intensity, 10)) == 10 * H100_BYTES_PER_S
    assert float(roof.subs(intensity, 1000)) == H100_FLOPS
    assert roof.subs(intensity, sp.Rational(989_000, 3_350)) == 989 * 10**12


def test_roofline_places_each_operation_at_its_intensity():
    operations = {(op.key, op.group, op.sizes): op for op in figures.roofline().operations}
    mlp_64 = operations["fig_mlp_generation", 0, "B = 64"]
    assert mlp_64.intensity == 64 and mlp_64.attainable == pytest.approx(64 * H100_BYTES_PER_S, rel=1e-12)
    assert operations["fig_mlp_generation", 0, "B = 512"].attainable == pytest.approx(H100_FLOPS, rel=1e-12)
    assert operations["fig_mlp_prefill", 0, "T = S = 1024"].intensity == 1024
    # attention at T = 1 moves 2·(2BD + 2BSD) bytes for 4BSD FLOPs: S / (S + 1); GQA divides K, V by G
    assert operations["fig_attention_generation", 1, "S = 1024"].intensity == pytest.approx(1024 / 1025)
    assert operations["fig_attention_generation", 8, "S = 1024"].intensity == pytest.approx(
        4 * 1024 / (2 * (2 + 2 * 1024 / 8)))
    assert operations["fig_attention_prefill", 1, "S = 1024"].intensity == pytest.approx(512)


def test_roofline_svg_marks_the_ridge(drawn):
    _, svg = parsed(drawn["roofline-h100", "en"])
    assert f"ridge point I* ≈ {round(989 / 3.35)}" in texts(svg)  # 295
    _, svg = parsed(drawn["roofline-tpu-v5e", "zh"])
    assert f"屋脊点I* ≈ {round(197 / 0.819)}" in texts(svg)  # 241
    assert {"B = 64", "B = 512"} <= set(texts(svg))


def test_memory_at_one_sequence_is_weights_plus_one_kv_cache():
    mha = figures.memory_batch().curves[0]
    at_one = mha.memory_bytes[mha.at(1)]
    assert at_one == pytest.approx(2 * LLAMA2_13B_PARAMS + KV_PER_SEQ, rel=1e-12)
    assert mha.weights_bytes == 2 * LLAMA2_13B_PARAMS and mha.kv_bytes_per_seq == KV_PER_SEQ


def test_memory_runs_out_where_hbm_does():
    curves = figures.memory_batch().curves
    # (80 GB - weights) / KV per sequence, with K = 40, 8 and 1 KV heads; W_k and W_v shrink with K
    for curve, heads in zip(curves, (40, 8, 1), strict=True):
        weights = 2 * (LLAMA2_13B_PARAMS - 2 * 40 * 5120 * (40 - heads) * 128)
        kv = KV_PER_SEQ * heads // 40
        assert curve.max_batch == (80 * 10**9 - weights) // kv
        assert curve.memory_bytes[curve.at(curve.max_batch)] <= 80e9 < weights + (curve.max_batch + 1) * kv
    assert [curve.max_batch for curve in curves][:2] == [64, 341]


def test_memory_svg_labels_where_memory_runs_out(drawn):
    _, svg = parsed(drawn["memory-batch", "en"])
    shown = texts(svg)
    assert {f"B = {curve.max_batch}" for curve in figures.memory_batch().curves} <= set(shown)
    assert "HBM capacity, NVIDIA H100 SXM 80GB" in shown


def test_latency_and_throughput_along_the_batch():
    mha, gqa = figures.latency_throughput().curves
    step = (2 * LLAMA2_13B_PARAMS + KV_PER_SEQ) / H100_BYTES_PER_S
    assert mha.latency_s[mha.at(1)] == pytest.approx(step, rel=1e-12)
    assert mha.throughput[mha.at(1)] == pytest.approx(1 / step, rel=1e-12)
    b = 64
    step_64 = (2 * LLAMA2_13B_PARAMS + b * KV_PER_SEQ) / H100_BYTES_PER_S
    assert mha.throughput[mha.at(b)] == pytest.approx(b / step_64, rel=1e-12)
    assert gqa.ceiling == pytest.approx(H100_BYTES_PER_S / (KV_PER_SEQ * 8 / 40), rel=1e-12)
    assert all(curve.throughput[-1] < curve.ceiling for curve in (mha, gqa))
    assert (mha.max_batch, gqa.max_batch) == (64, 341)


# ---- on the built site ---------------------------------------------------------------------------

PAGES = {"lecture-10/theory-intensity": ("roofline-nvidia-h100-sxm-80gb", "roofline-google-tpu-v5e"),
         "lecture-10/code-stats": ("latency-throughput-llama-2-13b", "memory-batch-llama-2-13b")}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_pages_show_their_figures(site, page, lang):
    from test_site import built_page

    html = built_page(site.site, page, lang).read_text("utf-8")
    for key in PAGES[page]:
        start = html.index(f'<figure class="derived-figure" id="figure-{key}"')
        figure_html = html[start:html.index("</figure>", start) + len("</figure>")]
        assert figure_html == figure({"roofline-nvidia-h100-sxm-80gb": "roofline-h100",
                                      "roofline-google-tpu-v5e": "roofline-tpu-v5e",
                                      "latency-throughput-llama-2-13b": "latency-throughput",
                                      "memory-batch-llama-2-13b": "memory-batch"}[key]).to_markdown(lang)


def test_search_indexes_captions_not_tick_labels(site):
    import json

    index = json.loads((site.site / "search/search_index.json").read_text("utf-8"))
    text = " ".join(doc["text"] for doc in index["docs"])
    assert "Roofline of the NVIDIA H100 SXM 80GB, with the operations of lecture 10" in text
    assert "ridge point I*" not in text and "屋脊点I*" not in text


# ---- what each figure plots, read back from its axes ---------------------------------------------

def axes_of(fig, lang: str = "en"):
    """Draw `fig` on fresh axes, as `to_markdown` does, and return the axes to inspect."""
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    with matplotlib.rc_context(shared._style("test")):
        canvas = Figure(figsize=(7, 4.5))
        FigureCanvasSVG(canvas)
        ax = canvas.add_subplot()
        fig._draw(ax, lang)
    return ax


def inside(ax, xs, ys):
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    return all(x0 <= x <= x1 for x in xs) and all(y0 <= y <= y1 for y in ys)


def spans_axes(line) -> bool:
    """An axvline or axhline: drawn across the axes in axes coordinates, not data."""
    xs, ys = list(map(float, line.get_xdata())), list(map(float, line.get_ydata()))
    return (xs[0] == xs[-1] and ys == [0.0, 1.0]) or (ys[0] == ys[-1] and xs == [0.0, 1.0])


def plotted(ax):
    """Every line drawn in data coordinates: (label, xs, ys)."""
    return [(line.get_label(), list(map(float, line.get_xdata())), list(map(float, line.get_ydata())))
            for line in ax.get_lines() if len(line.get_xdata()) and not spans_axes(line)]


@pytest.mark.parametrize("device, flops, bandwidth", [(H100_SXM, 989e12, 3.35e12), (TPU_V5E, 197e12, 0.819e12)],
                         ids=["h100", "tpu-v5e"])
def test_roofline_plots_the_roof_and_the_points_it_names(device, flops, bandwidth):
    fig = figures.roofline(device)
    ax = axes_of(fig)
    lines = plotted(ax)
    roof = next(line for line in lines if line[0] == "roofline")
    ridge = flops / bandwidth
    for x, y in zip(roof[1], roof[2], strict=True):  # the lower of the two roofs, in TFLOP/s
        assert y == pytest.approx(min(flops, x * bandwidth) / 1e12, rel=1e-9)
    assert max(roof[2]) == pytest.approx(flops / 1e12)  # the flat roof sits at the peak ...
    assert min(roof[1]) < ridge < max(roof[1])  # ... and the bend is drawn
    bend = [x for x, y in zip(roof[1], roof[2], strict=True) if y < flops / 1e12 * (1 - 1e-9)]
    assert max(bend) < ridge  # below the peak only left of the ridge
    for label, xs, ys in lines:
        assert inside(ax, xs, ys), label
    # every operation is drawn at its own intensity, on the roof
    points = [(xs[0], ys[0]) for label, xs, ys in lines if len(xs) == 1]
    for op in fig.operations:
        assert any(x == pytest.approx(op.intensity) and y == pytest.approx(min(flops, op.intensity * bandwidth) / 1e12)
                   for x, y in points), op
    # labels name the points they sit on: "B = 64" at intensity 64
    for text in ax.texts:
        if text.get_text().startswith("B = "):
            batch = int(text.get_text()[4:])
            assert text.xy[0] == pytest.approx(batch)  # the MLP's generation intensity is B


def test_latency_figure_plots_the_derivation_and_the_compute_roof():
    fig = figures.latency_throughput()
    ax = axes_of(fig)
    lines = plotted(ax)
    for label, xs, ys in lines:
        assert inside(ax, xs, ys), label
    # by hand: per step, weights once plus B KV caches over 3.35e12 B/s; throughput B / time
    weights = {40: 2 * LLAMA2_13B_PARAMS, 8: 2 * (LLAMA2_13B_PARAMS - 2 * 5120 * 32 * 128 * 40)}
    for curve, heads in zip(fig.curves, (40, 8), strict=True):
        label = figures._scheme(curve.model, "en")
        drawn_line = next(line for line in lines if line[0] == label)
        kv = KV_PER_SEQ * heads // 40
        for x, y in zip(drawn_line[1], drawn_line[2], strict=True):
            batch = round(x * y / 1000)  # throughput × latency = B
            seconds = (weights[heads] + batch * kv) / 3.35e12
            assert y == pytest.approx(seconds * 1000, rel=1e-9) and x == pytest.approx(batch / seconds, rel=1e-9)
        # the compute roof: peak FLOP/s over one sequence's FLOPs per step (2 per parameter + attention)
        params = weights[heads] // 2
        roof = 989e12 / (2 * params + 4 * 1024 * 40 * 128 * 40)
        assert curve.compute_ceiling == pytest.approx(roof, rel=1e-12)
        assert any(line.get_xdata()[0] == pytest.approx(roof) for line in ax.get_lines()
                   if line.get_linestyle() == "-." and len(line.get_xdata()))
        assert ax.get_xlim()[1] > roof  # the roof is inside the plot
    stars = [text for text in ax.texts if text.get_fontweight() == "bold"]
    assert {text.get_text() for text in stars} == {f"B = {c.max_batch}" for c in fig.curves}
    for text, curve in zip(stars, fig.curves, strict=True):  # each label sits on its curve's largest batch
        at = curve.at(curve.max_batch)
        assert text.xy == pytest.approx((curve.throughput[at], curve.latency_s[at] * 1000))


def test_memory_figure_plots_weights_plus_caches_inside_its_axes():
    fig = figures.memory_batch()
    ax = axes_of(fig)
    for (label, xs, ys), heads in zip([line for line in plotted(ax) if line[0].startswith(("MHA", "GQA", "MQA"))],
                                      (40, 8, 1), strict=True):
        weights = 2 * (LLAMA2_13B_PARAMS - 2 * 5120 * (40 - heads) * 128 * 40)
        for x, y in zip(xs, ys, strict=True):
            assert y == pytest.approx((weights + x * KV_PER_SEQ * heads / 40) / 1e9, rel=1e-9), label
        assert ax.get_xlim()[0] <= xs[0] and xs[-1] <= ax.get_xlim()[1]  # first and last points shown
    capacity = [line for line in ax.get_lines() if line.get_linestyle() == "--" and spans_axes(line)][0]
    assert float(capacity.get_ydata()[0]) == pytest.approx(80.0)
    assert ax.get_ylim()[0] <= 0 and ax.get_ylim()[1] > 80
