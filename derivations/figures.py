"""Figures of lecture 10, drawn at build time from the derivations' own expressions.

Nothing here is a formula: each figure evaluates expressions taken from `hardware`,
`intensity` and `stats` with `sympy.lambdify` over the plotted range. The figure
functions are `@derived`, so the numbers are computed once per build; `to_markdown(lang)`
draws them with matplotlib in one language. The result is an inline SVG whose text
stays text (the reader's fonts render it, Chinese included), with a title and a
description for screen readers, in a `<figure>` with its caption.

Colours follow the page: axes, text and roofs are drawn in `currentColor`, the
legend's box in Material's background colour and the data in CSS variables with a
fallback, so a figure reads on the light and on the dark ("slate") scheme.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from . import stats
from .catalog import hardware, models
from .catalog.hardware import H100_SXM, Accelerator
from .catalog.models import LLAMA2_13B, Model, replace
from .core import i18n, render
from .core.cache import derived
from .core.figures import (  # noqa: F401 - the shared helpers, also where they were first published
    COLORS,
    INK,
    _slug,
    figure_html,
    font_family,
    label_number,
    plain_ticks,
    svg_figure,
)
from .core.i18n import check_lang, message, term
from .core.validate import positive_int
from .intensity import attention, mlp
from .lectures import lecture10
from .symbols import B, S, T, intensity

i18n.register("figures", messages={
    'fig_intensity_axis': ('Arithmetic intensity (FLOP/byte)', '算术强度（FLOP/字节）'),
    'fig_attainable_axis': ('Attainable TFLOP/s', '可达算力（TFLOP/s）'),
    'fig_batch_axis': ('Batch size B', '批大小B'),
    'fig_ridge': ('ridge point I* ≈ {ridge}', '屋脊点I* ≈ {ridge}'),
    'fig_roof': ('roofline', '屋顶线'),
    'fig_mlp_generation': ('MLP, generation', 'MLP，生成'),
    'fig_mlp_prefill': ('MLP, prefill, B = 1', 'MLP，预填充，B = 1'),
    'fig_attention_generation': ('Attention, generation, {scheme}', '注意力，生成，{scheme}'),
    'fig_attention_prefill': ('Attention, prefill, {scheme}', '注意力，预填充，{scheme}'),
    'fig_parenthesis': (' ({})', '（{}）'),
    'fig_does_not_fit': ('does not fit in HBM', 'HBM放不下'),
    'fig_max_batch': ('largest batch that fits', '能放下的最大批'),
    'fig_ceiling': ('throughput ceiling (B → ∞)', '吞吐量上限（B → ∞）'),
    'fig_compute_roof': ('compute roof: peak FLOP/s ÷ FLOPs per sequence', '计算屋顶：峰值算力 ÷ 每条序列的运算量'),
    'fig_capacity': ('HBM capacity, {accelerator}', '{accelerator}的HBM容量'),
    'fig_list': ('; ', '；'),
    'fig_roofline_title': ('Roofline of the {accelerator}', '{accelerator}的屋顶线模型'),
    'fig_roofline_caption': ('Roofline of the {accelerator}, with the operations of lecture 10 at S = {seq_len} '
                             'tokens (GQA: G = {group}). Left of the ridge point an operation is memory-limited, '
                             'right of it compute-limited.',
                             '{accelerator}的屋顶线模型，以及第10讲中各运算在S = {seq_len}个词元时的位置（GQA取G = '
                             '{group}）。屋脊点左侧的运算内存受限，右侧的运算计算受限。'),
    'fig_roofline_desc': ('Log–log plot of attainable TFLOP/s against arithmetic intensity in FLOP/byte. The memory '
                          'roof rises in proportion to intensity up to the ridge point at {ridge} FLOP/byte; right of '
                          'it the compute roof is flat at {peak} TFLOP/s. Operations: {points}.',
                          '双对数坐标图，横轴为算术强度（FLOP/字节），纵轴为可达算力（TFLOP/s）。内存屋顶随算术强度成'
                          '正比上升，直到屋脊点{ridge} FLOP/字节；此后计算屋顶持平于{peak} TFLOP/s。各运算的位置：'
                          '{points}。'),
    'fig_roofline_point': ('{label}, {sizes}: {intensity} FLOP/byte, {regime}',
                           '{label}，{sizes}：{intensity} FLOP/字节，{regime}'),
    'fig_latency_title': ('Latency against throughput as the batch grows: {model} on the {accelerator}',
                          '批大小增大时的时延与吞吐量：{accelerator}上的{model}'),
    'fig_latency_caption': ("One decoding step of {model} on the {accelerator} reads the weights once and every "
                            "sequence's KV cache (S = {seq_len}, bf16); the batch grows along each curve. Stars: the "
                            "largest batch that fits in HBM; dashed: batches that do not fit; dotted: the memory-only "
                            "throughput ceiling; dash-dotted: the compute roof, the most tokens per second the chip's "
                            "FLOPs allow.",
                            '{accelerator}上的{model}每解码一步，都要读一遍权重和每条序列的KV缓存（S = {seq_len}，'
                            'bf16）；沿每条曲线，批大小逐渐增大。星形标记：HBM能放下的最大批；虚线：放不下的批；点线'
                            '：只算内存时的吞吐量上限；点划线：计算屋顶，即芯片算力所允许的最高吞吐量。'),
    'fig_latency_desc': ('Log–log plot of latency per decoding step in milliseconds against throughput in tokens per '
                         'second, one curve per number of KV heads, the batch growing from B = {first} to B = {last}. '
                         '{curves}',
                         '双对数坐标图，横轴为吞吐量（词元/秒），纵轴为每步时延（毫秒），每种KV头数一条曲线，批大小从'
                         'B = {first}增大到B = {last}。{curves}'),
    'fig_latency_curve': ('{label}: {latency} ms and {throughput} tokens/s at B = {first}; the largest batch that '
                          'fits is B = {max_batch}, at {max_latency} ms and {max_throughput} tokens/s; the throughput '
                          'approaches {ceiling} tokens/s.',
                          '{label}：B = {first}时每步{latency}毫秒、{throughput}词元/秒；能放下的最大批为B = '
                          '{max_batch}，此时每步{max_latency}毫秒、{max_throughput}词元/秒；吞吐量趋近{ceiling}词元/'
                          '秒。'),
    'fig_memory_title': ('Memory against batch size: {model} on the {accelerator}',
                         '内存占用随批大小的变化：{accelerator}上的{model}'),
    'fig_memory_caption': ('Weights plus KV cache of {model} at S = {seq_len} in bf16, with {variants} KV heads, '
                           'against the HBM of the {accelerator}. Markers: the largest batch that fits.',
                           '{model}在S = {seq_len}、bf16下的权重加KV缓存，KV头数分别取{variants}，与{accelerator}的'
                           'HBM容量对比。标记：能放下的最大批。'),
    'fig_memory_desc': ('Plot of memory in GB (weights plus KV cache) against the batch size on a logarithmic axis, '
                        'with the HBM capacity of {capacity} GB as a horizontal line. {lines}',
                        '内存占用（GB，权重加KV缓存）随批大小（对数轴）变化的图，水平线为{capacity} GB的HBM容量。'
                        '{lines}'),
    'fig_memory_line': ('{label}: {weights} GB of weights and {kv} GB of KV cache per sequence; the largest batch '
                        'that fits is B = {max_batch}.',
                        '{label}：权重{weights} GB，每条序列的KV缓存{kv} GB；能放下的最大批为B = {max_batch}。'),
})

def _scheme(model: Model, lang: str) -> str:
    """MHA, GQA or MQA with the KV-head count, e.g. 'GQA (K = 8)' or 'GQA（K = 8）'."""
    name = "MHA" if model.K == model.N else "MQA" if model.K == 1 else "GQA"
    return name + message("fig_parenthesis", lang).format(f"K = {model.K}")


# ---- the roofline ---------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Operation:
    """One operation placed on the roofline."""

    key: str  # glossary key of its legend entry
    group: int  # query heads per KV head (attention), 0 for the MLP
    sizes: str  # language-neutral, e.g. "B = 64"
    intensity: float  # FLOP/byte
    attainable: float  # FLOP/s, the roof at that intensity

    @property
    def style(self) -> tuple[str, str, bool]:
        """Colour, marker and whether it is filled: one per legend entry."""
        color = COLORS[0] if not self.group else COLORS[1] if self.group == 1 else COLORS[2]
        marker = "o" if not self.group else "^" if self.group == 1 else "D"
        return color, "s" if self.key == "fig_mlp_prefill" else marker, "prefill" in self.key

    def label(self, lang: str) -> str:
        scheme = "MHA" if self.group == 1 else "GQA" + message("fig_parenthesis", lang).format(f"G = {self.group}")
        return message(self.key, lang).format(scheme=scheme)


@dataclass(frozen=True, eq=False)
class Roofline(render.Published):
    """Attainable FLOP/s against intensity for one accelerator, with lecture 10's operations."""

    accelerator: Accelerator
    seq_len: int
    group_size: int
    grid: np.ndarray  # intensities along the roof, FLOP/byte
    roof: np.ndarray  # attainable FLOP/s along the roof
    operations: tuple[Operation, ...]

    @property
    def key(self) -> str:
        return "roofline-" + _slug(self.accelerator.name)

    def regime(self, operation: Operation) -> str:
        return "compute_limited" if operation.intensity > float(self.accelerator.ridge) else "memory_limited"

    def to_markdown(self, lang: str) -> str:
        check_lang(lang)
        points = message("fig_list", lang).join(
            message("fig_roofline_point", lang).format(
                label=op.label(lang), sizes=op.sizes, intensity=label_number(op.intensity),
                regime=term(self.regime(op), lang))
            for op in self.operations)
        names = {"accelerator": self.accelerator.name}
        return figure_html(
            self._draw, key=self.key, lang=lang, height_in=4.6,
            title=message("fig_roofline_title", lang).format(**names),
            desc=message("fig_roofline_desc", lang).format(
                ridge=label_number(self.accelerator.ridge), peak=label_number(self.accelerator.flops_per_s / 10**12),
                points=points),
            caption=message("fig_roofline_caption", lang).format(
                **names, seq_len=self.seq_len, group=self.group_size),
        )

    def _draw(self, ax, lang: str) -> None:
        tera = 10**12
        ridge, peak = float(self.accelerator.ridge), float(self.accelerator.flops_per_s) / tera
        low, high = self.grid[0], self.grid[-1]
        bottom, top = self.roof[0] / tera / 2, peak * 4
        ax.set(xscale="log", yscale="log", xlim=(low, high), ylim=(bottom, top),
               xlabel=message("fig_intensity_axis", lang), ylabel=message("fig_attainable_axis", lang))
        plain_ticks(ax.xaxis)
        plain_ticks(ax.yaxis)
        ax.fill_between(self.grid, self.roof / tera, bottom, color=INK, alpha=0.05, linewidth=0)
        ax.plot(self.grid, self.roof / tera, color=INK, linewidth=2, label=message("fig_roof", lang))
        ax.axvline(ridge, color=INK, linewidth=0.8, linestyle=":")
        ax.plot([ridge], [peak], marker="o", markersize=4.5, color=INK, linestyle="none")
        ax.annotate(message("fig_ridge", lang).format(ridge=label_number(ridge)), (ridge, top),
                    xytext=(-4, -4), textcoords="offset points", ha="right", va="top")
        ax.annotate("← " + term("memory_limited", lang), (ridge, bottom), xytext=(-4, 4),
                    textcoords="offset points", ha="right", va="bottom", alpha=0.8)
        ax.annotate(term("compute_limited", lang) + " →", (ridge, bottom), xytext=(4, 4),
                    textcoords="offset points", ha="left", va="bottom", alpha=0.8)
        seen, flat = set(), 0
        for op in self.operations:
            color, marker, filled = style = op.style
            ax.plot([op.intensity], [op.attainable / tera], linestyle="none", marker=marker,
                    markersize=9 if op.key == "fig_mlp_generation" else 6.5, markeredgewidth=1.4,
                    color=color, markerfacecolor=color if filled else "none",
                    label=None if style in seen else op.label(lang), zorder=3)
            seen.add(style)
            if op.key == "fig_mlp_generation":
                # up-left of a point on the slope; on the flat roof, above and below in turn,
                # so that neighbours near the ridge do not overlap
                on_roof = op.intensity > ridge
                below = on_roof and flat % 2 == 1
                flat += on_roof
                ax.annotate(op.sizes, (op.intensity, op.attainable / tera),
                            xytext=(0, -9) if below else (0, 7) if on_roof else (-6, 5), textcoords="offset points",
                            ha="center" if on_roof else "right", va="top" if below else "bottom", color=color)
        ax.legend(loc="upper left", borderaxespad=0.8)


@derived
def roofline(accelerator=H100_SXM, seq_len=lecture10.LECTURE_SEQ_LEN, batches=(1, 16, 64, 256, 512),
             group_size=8) -> Roofline:
    """The roofline of `accelerator` (`Accelerator.attainable_flops_per_s`) with the MLP's
    large-model limit at generation for each of `batches` and at prefill, and attention at
    prefill and generation, MHA and GQA with `group_size`, all at context `seq_len`.

    Examples:
        >>> figure = roofline()
        >>> [op.intensity for op in figure.operations if op.sizes == "B = 64"]
        [64.0]
    """
    accelerator = hardware.accelerator(accelerator)
    tokens = int(positive_int("seq_len", seq_len))
    group = int(positive_int("group_size", group_size))
    roof = sp.lambdify(intensity, accelerator.attainable_flops_per_s, "numpy")
    mlp_limit = sp.lambdify((B, T), mlp().limit, "numpy")
    operations = [Operation("fig_mlp_generation", 0, f"B = {int(positive_int('batches', b))}",
                            float(mlp_limit(b, 1)), 0.0) for b in batches]
    operations.append(Operation("fig_mlp_prefill", 0, f"T = S = {tokens}", float(mlp_limit(1, tokens)), 0.0))
    for heads in (attention(), attention(group_size=group)):
        for key, expression in (("fig_attention_generation", heads.generate), ("fig_attention_prefill", heads.prefill)):
            value = float(sp.lambdify(S, expression, "numpy")(tokens))
            operations.append(Operation(key, int(heads.group_size), f"S = {tokens}", value, 0.0))
    operations = tuple(Operation(op.key, op.group, op.sizes, op.intensity, float(roof(op.intensity)))
                       for op in operations)
    values = [op.intensity for op in operations] + [float(accelerator.ridge)]
    grid = np.geomspace(min(values) / 2, max(values) * 4, 64)
    return Roofline(accelerator, tokens, group, grid, np.asarray(roof(grid), dtype=float), operations)


# ---- latency against throughput -------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Curve:
    """One model's decode step along a range of batch sizes (`stats.formulas()`)."""

    model: Model
    batch: np.ndarray
    latency_s: np.ndarray
    throughput: np.ndarray  # tokens/s
    memory_bytes: np.ndarray
    max_batch: int  # the largest batch that fits in HBM (`stats.max_batch`)
    ceiling: float  # tokens/s as B -> oo (`stats.throughput_limit`)
    compute_ceiling: float  # tokens/s the compute roof allows: peak FLOP/s over one sequence's FLOPs per step
    step_s: np.ndarray  # step time with both roofs (`stats.formulas().step_s`)
    step_throughput: np.ndarray
    weights_bytes: float
    kv_bytes_per_seq: float

    def at(self, batch: int) -> int:
        """Index of `batch` in the sampled batches."""
        return int(np.flatnonzero(self.batch == batch)[0])


def _curve(model: Model, accelerator: Accelerator, seq_len: int, last: int) -> Curve:
    symbolic = stats.formulas()
    one = stats.decode(model, accelerator, 1, seq_len)
    values = stats.substitution(model=model, accelerator=accelerator, seq_len=seq_len)
    fits = stats.max_batch(model, accelerator, seq_len)
    if fits < 1:
        raise ValueError(f"{model.name} does not fit in the HBM of {accelerator.name} even at B = 1")
    last = max(last, fits)
    batch = np.unique(np.concatenate([np.round(np.geomspace(1, last, 80)), 4 ** np.arange(6), [fits]]))
    batch = batch[batch <= last]

    def along(expression):
        return np.asarray(sp.lambdify(B, expression.subs(values), "numpy")(batch), dtype=float) * np.ones_like(batch)

    compute_ceiling = sp.cancel(B / symbolic.compute_s).subs(values)  # no B left: FLOPs grow with B
    return Curve(model, batch, along(symbolic.latency_s), along(symbolic.throughput), along(symbolic.memory_bytes),
                 fits, float(stats.throughput_limit(model, accelerator, seq_len).value),
                 float(compute_ceiling),
                 along(symbolic.step_s), along(symbolic.step_throughput),
                 float(one.param_bytes_total), float(one.kv_bytes_per_seq))


@dataclass(frozen=True, eq=False)
class LatencyThroughput(render.Published):
    """The latency-against-throughput figure: one decode curve per model variant on one accelerator."""

    accelerator: Accelerator
    seq_len: int
    curves: tuple[Curve, ...]

    @property
    def key(self) -> str:
        return "latency-throughput-" + _slug(self.curves[0].model.name)

    def to_markdown(self, lang: str) -> str:
        check_lang(lang)
        first = int(self.curves[0].batch[0])
        curves = " ".join(
            message("fig_latency_curve", lang).format(
                label=_scheme(c.model, lang), first=first, latency=label_number(c.latency_s[0] * 1000),
                throughput=label_number(c.throughput[0]), max_batch=c.max_batch,
                max_latency=label_number(c.latency_s[c.at(c.max_batch)] * 1000),
                max_throughput=label_number(c.throughput[c.at(c.max_batch)]), ceiling=label_number(c.ceiling))
            for c in self.curves)
        names = {"model": self.curves[0].model.name, "accelerator": self.accelerator.name}
        return figure_html(
            self._draw, key=self.key, lang=lang, height_in=4.4,
            title=message("fig_latency_title", lang).format(**names),
            desc=message("fig_latency_desc", lang).format(first=first, last=int(self.curves[0].batch[-1]),
                                                       curves=curves),
            caption=message("fig_latency_caption", lang).format(**names, seq_len=self.seq_len),
        )

    def _draw(self, ax, lang: str) -> None:
        from matplotlib.ticker import LogLocator

        lowest = min(float(c.latency_s.min()) for c in self.curves) * 1000
        highest = max(float(c.latency_s.max()) for c in self.curves) * 1000
        slowest = min(float(c.throughput.min()) for c in self.curves)
        ceiling = max(max(c.ceiling for c in self.curves), max(c.compute_ceiling for c in self.curves))
        ax.set(xscale="log", yscale="log", xlim=(slowest / 1.5, ceiling * 1.4), ylim=(lowest / 1.25, highest * 1.6),
               xlabel=message("tokens_per_s", lang), ylabel=message("latency_ms", lang))
        ax.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
        plain_ticks(ax.xaxis)
        plain_ticks(ax.yaxis)
        for color, curve in zip(COLORS, self.curves, strict=False):
            ms, fits = curve.latency_s * 1000, curve.batch <= curve.max_batch
            ax.plot(curve.throughput[fits], ms[fits], color=color, linewidth=2, label=_scheme(curve.model, lang))
            beyond = curve.batch >= curve.max_batch
            ax.plot(curve.throughput[beyond], ms[beyond], color=color, linewidth=1.5, linestyle="--")
            ax.axvline(curve.ceiling, color=color, linewidth=1, linestyle=":")
            steps = np.isin(curve.batch, 4 ** np.arange(6)) & (curve.batch != curve.max_batch)
            ax.plot(curve.throughput[steps], ms[steps], linestyle="none", marker="o", markersize=3.5, color=color)
            upper = curve is self.curves[0]  # the first curve lies above the others: label above it
            for index in np.flatnonzero(steps):
                ax.annotate(f"B = {int(curve.batch[index])}", (curve.throughput[index], ms[index]),
                            xytext=(-4, 3) if upper else (4, -3), textcoords="offset points",
                            ha="right" if upper else "left", va="bottom" if upper else "top", color=color,
                            fontsize=8)
            at = curve.at(curve.max_batch)
            ax.plot([curve.throughput[at]], [ms[at]], linestyle="none", marker="*", markersize=13, color=color,
                    markeredgecolor=INK, markeredgewidth=0.6, zorder=3)
            ax.annotate(f"B = {curve.max_batch}", (curve.throughput[at], ms[at]), xytext=(-8, 4),
                        textcoords="offset points", ha="right", va="bottom", color=color, fontweight="bold")
        ax.plot([], [], color=INK, linewidth=1.5, linestyle="--", label=message("fig_does_not_fit", lang))
        ax.plot([], [], color=INK, linestyle="none", marker="*", markersize=11, markerfacecolor="none",
                label=message("fig_max_batch", lang))
        ax.plot([], [], color=INK, linewidth=1, linestyle=":", label=message("fig_ceiling", lang))
        for curve in self.curves:  # one compute roof per distinct model size
            ax.axvline(curve.compute_ceiling, color=INK, linewidth=1.6, linestyle="-.", alpha=0.7)
        ax.plot([], [], color=INK, linewidth=1.6, linestyle="-.", alpha=0.7, label=message("fig_compute_roof", lang))
        ax.legend(loc="upper left", borderaxespad=0.8)


@derived
def latency_throughput(model=LLAMA2_13B, accelerator=H100_SXM, seq_len=lecture10.LECTURE_SEQ_LEN, kv_heads=8,
                       last_batch=1024) -> LatencyThroughput:
    """Latency per step against throughput as the batch grows, for `model` and for the same
    model with `kv_heads` KV heads, from `stats.formulas()`; where memory runs out from
    `stats.max_batch`.

    Examples:
        >>> figure = latency_throughput()
        >>> [curve.max_batch for curve in figure.curves][0]
        64
    """
    model, accelerator = models.model(model), hardware.accelerator(accelerator)
    tokens = int(positive_int("seq_len", seq_len))
    last = int(positive_int("last_batch", last_batch))
    variants = (model, replace(model, K=kv_heads))
    return LatencyThroughput(accelerator, tokens, tuple(_curve(m, accelerator, tokens, last) for m in variants))


# ---- memory against batch -------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class MemoryBatch(render.Published):
    """The memory-against-batch figure: weights plus KV cache per model variant, against the accelerator's HBM."""

    accelerator: Accelerator
    seq_len: int
    curves: tuple[Curve, ...]

    @property
    def key(self) -> str:
        return "memory-batch-" + _slug(self.curves[0].model.name)

    def to_markdown(self, lang: str) -> str:
        check_lang(lang)
        gb = 10**9
        lines = " ".join(
            message("fig_memory_line", lang).format(
                label=_scheme(c.model, lang), weights=label_number(c.weights_bytes / gb),
                kv=label_number(c.kv_bytes_per_seq / gb), max_batch=c.max_batch)
            for c in self.curves)
        names = {"model": self.curves[0].model.name, "accelerator": self.accelerator.name}
        variants = ", ".join(str(c.model.K) for c in self.curves)
        return figure_html(
            self._draw, key=self.key, lang=lang, height_in=4.2,
            title=message("fig_memory_title", lang).format(**names),
            desc=message("fig_memory_desc", lang).format(capacity=label_number(self.accelerator.hbm_bytes / gb),
                                                         lines=lines),
            caption=message("fig_memory_caption", lang).format(
                **names, seq_len=self.seq_len, variants=variants if lang == "en" else variants.replace(", ", "、")),
        )

    def _draw(self, ax, lang: str) -> None:
        from matplotlib.ticker import LogLocator

        gb = 10**9
        capacity = float(self.accelerator.hbm_bytes) / gb
        last = max(int(c.batch[-1]) for c in self.curves)
        ax.set(xscale="log", xlim=(1, last), ylim=(0, capacity * 2),
               xlabel=message("fig_batch_axis", lang), ylabel=message("memory_gb", lang))
        ax.xaxis.set_major_locator(LogLocator(base=4))
        plain_ticks(ax.xaxis)
        ax.axhspan(capacity, capacity * 2, color=INK, alpha=0.05, linewidth=0)
        ax.axhline(capacity, color=INK, linewidth=1.2, linestyle="--")
        ax.annotate(message("fig_capacity", lang).format(accelerator=self.accelerator.name), (1, capacity),
                    xytext=(6, 4), textcoords="offset points", ha="left", va="bottom")
        for color, curve in zip(COLORS, self.curves, strict=False):
            ax.plot(curve.batch, curve.memory_bytes / gb, color=color, linewidth=2, label=_scheme(curve.model, lang))
            at = curve.at(curve.max_batch)
            ax.plot([curve.max_batch], [curve.memory_bytes[at] / gb], linestyle="none", marker="o", markersize=7,
                    color=color, markeredgecolor=INK, markeredgewidth=0.6, zorder=3)
            ax.annotate(f"B = {curve.max_batch}", (curve.max_batch, curve.memory_bytes[at] / gb), xytext=(6, -4),
                        textcoords="offset points", ha="left", va="top", color=color, fontweight="bold")
        ax.plot([], [], color=INK, linestyle="none", marker="o", markersize=7, markerfacecolor="none",
                label=message("fig_max_batch", lang))
        ax.legend(loc="upper left", borderaxespad=0.8)


@derived
def memory_batch(model=LLAMA2_13B, accelerator=H100_SXM, seq_len=lecture10.LECTURE_SEQ_LEN, kv_heads=(40, 8, 1),
                 last_batch=16384) -> MemoryBatch:
    """Weights plus KV cache (`stats.formulas().memory_bytes`) against the batch size for
    `model` with each of `kv_heads`, against the accelerator's HBM.

    Examples:
        >>> [curve.max_batch for curve in memory_batch().curves][0]
        64
    """
    model, accelerator = models.model(model), hardware.accelerator(accelerator)
    tokens = int(positive_int("seq_len", seq_len))
    last = int(positive_int("last_batch", last_batch))
    variants = tuple(replace(model, K=k) for k in kv_heads)
    return MemoryBatch(accelerator, tokens, tuple(_curve(m, accelerator, tokens, last) for m in variants))
